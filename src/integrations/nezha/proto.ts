/**
 * The Nezha agent protocol, loaded at run time from `proto/nezha.proto` with
 * @grpc/proto-loader (the same file the test dashboard serves), plus the TypeScript shapes
 * of its messages as proto-loader decodes them: 64-bit integers as JS numbers (every value
 * tikprobe sends or reads stays far below 2^53), unset fields filled with their defaults.
 */
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import { grpcJs, protoLoader } from './grpc-lib.js';

export interface NezhaHost {
  platform: string;
  platform_version: string;
  cpu: string[];
  mem_total: number;
  disk_total: number;
  swap_total: number;
  arch: string;
  virtualization: string;
  boot_time: number;
  version: string;
  gpu: string[];
}

export interface NezhaTemperature {
  name: string;
  temperature: number;
}

export interface NezhaState {
  cpu: number;
  mem_used: number;
  swap_used: number;
  disk_used: number;
  net_in_transfer: number;
  net_out_transfer: number;
  net_in_speed: number;
  net_out_speed: number;
  uptime: number;
  load1: number;
  load5: number;
  load15: number;
  tcp_conn_count: number;
  udp_conn_count: number;
  process_count: number;
  temperatures: NezhaTemperature[];
  gpu: number[];
}

export interface NezhaTask {
  id: number;
  type: number;
  data: string;
}

export interface NezhaTaskResult {
  id: number;
  type: number;
  /** Milliseconds (a 32-bit float on the wire). */
  delay: number;
  data: string;
  successful: boolean;
}

export interface NezhaReceipt {
  proced: boolean;
}

export interface NezhaUint64Receipt {
  data: number;
}

export interface NezhaGeoIp {
  use6: boolean;
  ip: { ipv4: string; ipv6: string } | null;
  country_code: string;
  dashboard_boot_time: number;
}

/** `proto/nezha.proto` at the package root: the same depth below it from `src/` and `dist/`. */
export const NEZHA_PROTO_PATH = fileURLToPath(new URL('../../../proto/nezha.proto', import.meta.url));

const LOADER_OPTIONS: ProtoLoader.Options = { keepCase: true, longs: Number, enums: Number, defaults: true, arrays: true, oneofs: false };

/** The `proto.NezhaService` definition: a client constructor and the service for a server. */
export function loadNezhaService(path = NEZHA_PROTO_PATH): { Client: grpc.ServiceClientConstructor; service: grpc.ServiceDefinition } {
  const definition = protoLoader().loadSync(path, LOADER_OPTIONS);
  const pkg = grpcJs().loadPackageDefinition(definition) as unknown as { proto: { NezhaService: grpc.ServiceClientConstructor } };
  const Client = pkg.proto.NezhaService;
  return { Client, service: Client.service };
}
