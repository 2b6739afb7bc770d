/**
 * Maps one router sample onto Komari's v1 report and basic-info bodies. Pure.
 *
 * Komari decodes with Go `encoding/json`: every field below except `cpu.usage` and `load.*`
 * is an integer and must serialise as an integer literal (`12.0` or `1e21` is refused with
 * 400), and negative values are refused with 500. So every computed figure is rounded,
 * negatives are clamped to 0, and a figure that cannot be sent honestly (NaN, Infinity, or
 * beyond 2^53, where `JSON.stringify` may print an exponent) throws a typed error instead.
 */
import { TikprobeError } from '../../errors.js';
import { fnv1a, mix } from '../../hash.js';
import type { RouterInfo, RouterSample } from '../../model.js';
import { komariMessage } from './message.js';

export interface KomariReport {
  cpu: { usage: number };
  ram: { total: number; used: number };
  swap: { total: number; used: number };
  load: { load1: number; load5: number; load15: number };
  disk: { total: number; used: number };
  network: { up: number; down: number; totalUp: number; totalDown: number };
  connections: { tcp: number; udp: number };
  uptime: number;
  process: number;
  message: string;
}

/** Only keys Komari stores as node facts; admin columns (name, token, uuid, …) never appear. */
export interface KomariBasicInfo {
  cpu_name: string;
  cpu_cores: number;
  arch: string;
  os: string;
  kernel_version: string;
  gpu_name: string;
  virtualization: string;
  ipv4?: string;
  ipv6?: string;
  mem_total: number;
  swap_total: number;
  disk_total: number;
  version: string;
}

/** A sample field that cannot become an honest Komari integer (NaN, Infinity, or too large). */
export class KomariPayloadError extends TikprobeError {
  readonly field: string;
  constructor(field: string, value: number) {
    super('KOMARI_REJECTED', `cannot send ${field} = ${String(value)} to Komari: not a finite number within 2^53`);
    this.name = 'KomariPayloadError';
    this.field = field;
  }
}

/** A non-negative integer for an integer field: rounded, negatives clamped to 0. */
function int(field: string, value: number): number {
  if (!Number.isFinite(value)) throw new KomariPayloadError(field, value);
  const n = Math.max(0, Math.round(value));
  if (n > Number.MAX_SAFE_INTEGER) throw new KomariPayloadError(field, value);
  return n;
}

/** `cpu.usage` may be a float but must lie within 0–100 (Komari answers 500 otherwise). */
function percent(field: string, value: number): number {
  if (!Number.isFinite(value)) throw new KomariPayloadError(field, value);
  return Math.min(100, Math.max(0, value));
}

export function toKomariReport(sample: RouterSample): KomariReport {
  const r = sample.resource;
  const t = sample.traffic;
  const ramTotal = int('ram.total', r.totalMemoryBytes);
  const diskTotal = int('disk.total', r.totalHddBytes);
  return {
    cpu: { usage: percent('cpu.usage', r.cpuLoadPercent) },
    ram: { total: ramTotal, used: int('ram.used', ramTotal - int('ram.free', r.freeMemoryBytes)) },
    // RouterOS has no swap and no load average; Komari expects the keys, so they are 0.
    swap: { total: 0, used: 0 },
    load: { load1: 0, load5: 0, load15: 0 },
    disk: { total: diskTotal, used: int('disk.used', diskTotal - int('disk.free', r.freeHddBytes)) },
    network: {
      up: int('network.up', t.upBps),
      down: int('network.down', t.downBps),
      totalUp: int('network.totalUp', t.totalUpBytes),
      totalDown: int('network.totalDown', t.totalDownBytes),
    },
    connections: connectionsOf(sample),
    uptime: int('uptime', r.uptimeS),
    process: 0,
    // Shown publicly on the dashboard's home page: fixed texts only (see message.ts).
    message: komariMessage(sample),
  };
}

/**
 * Unknown counts (no count yet, or the router cannot count) are sent as 0/0, and the
 * message says so (message.ts): a missing field
 * is 0 on the server anyway, and Komari derives nothing from connection counts over time, so
 * a 0 cannot corrupt history the way a 0 traffic total would. When the router can only count
 * its whole tracking table, that total goes into `tcp` (Komari shows tcp+udp as
 * "connections") and `udp` is 0.
 */
function connectionsOf(sample: RouterSample): KomariReport['connections'] {
  const c = sample.connections;
  if (c === undefined) return { tcp: 0, udp: 0 };
  if (c.source === 'tracking-total') return { tcp: int('connections.tcp', c.tcp), udp: 0 };
  return { tcp: int('connections.tcp', c.tcp), udp: int('connections.udp', c.udp) };
}

/**
 * The node's static facts. `cpu_cores`, `mem_total`, `swap_total` and `disk_total` are always
 * present (Komari < 1.2.1 answers 500 without them); `cpu_physical_cores` is never sent
 * (500 before 1.2.1). An unknown public address is left out rather than sent empty; when both
 * are unknown the server records the bridge host's address instead.
 */
export function toKomariBasicInfo(info: RouterInfo, tikprobeVersion: string): KomariBasicInfo {
  const out: KomariBasicInfo = {
    cpu_name: cpuName(info),
    cpu_cores: int('cpu_cores', info.cpuCount),
    arch: info.architecture,
    os: `RouterOS ${info.version}`.trim(),
    // REST exposes no kernel version; the RouterOS release number is the closest honest fact.
    kernel_version: info.version.split(' ')[0] ?? '',
    gpu_name: '',
    virtualization: info.virtualization,
    mem_total: int('mem_total', info.totalMemoryBytes),
    swap_total: 0,
    disk_total: int('disk_total', info.totalHddBytes),
    version: `tikprobe ${tikprobeVersion}`,
  };
  if (info.publicIpv4) out.ipv4 = info.publicIpv4;
  if (info.publicIpv6) out.ipv6 = info.publicIpv6;
  return out;
}

/** `ARM64 (hAP ax^2)`, or with the routerboard model when it adds something: `ARM (hAP ac^2, RBD52G-5HacD2HnD)`. */
function cpuName(info: RouterInfo): string {
  const board = info.boardName.trim();
  const model = info.model?.trim();
  const parts = [board, model !== undefined && model !== '' && model !== board ? model : ''].filter((p) => p !== '');
  const cpu = info.cpu.trim();
  if (parts.length === 0) return cpu;
  return cpu === '' ? parts.join(', ') : `${cpu} (${parts.join(', ')})`;
}

/** A stable text for change detection: same facts, same key, whatever the key order. */
export function basicInfoKey(info: KomariBasicInfo): string {
  const entries = Object.entries(info)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/**
 * `basicInfoKey` in 24 characters instead of ~400, for a key every router keeps: its length and
 * two 32-bit hashes. Two different infos share it with a chance of about 2⁻⁶⁴; the cost if they
 * did is one basic-info upload left until its interval.
 */
export function basicInfoDigest(info: KomariBasicInfo): string {
  const key = basicInfoKey(info);
  return `${key.length.toString(36)}:${mix(fnv1a(key)).toString(36)}:${mix(fnv1a(key, 0x9747b28c)).toString(36)}`;
}

export function basicInfoEquals(a: KomariBasicInfo, b: KomariBasicInfo): boolean {
  return basicInfoKey(a) === basicInfoKey(b);
}

/** True when neither public address is known: Komari then stores the bridge host's IP. */
export function lacksPublicAddress(info: KomariBasicInfo): boolean {
  return info.ipv4 === undefined && info.ipv6 === undefined;
}
