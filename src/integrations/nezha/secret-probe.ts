/**
 * Asks a Nezha dashboard whether it accepts the agent secret, for `tikprobe check`, without
 * reporting anything: it opens the agent's IOStream with an existing node's UUID and closes
 * its side at once. The dashboard checks the secret first (nezhahq/nezha
 * `service/rpc/nezha.go`: IOStream authenticates, then waits for a stream id): a refused
 * secret ends the stream with UNAUTHENTICATED; an accepted one ends it with the error of
 * an empty stream. No State, Host or GeoIP is sent and no task stream is replaced, so a
 * running tikprobe is not disturbed. The UUID must be one the dashboard knows already (an
 * unknown one would register a new node), and a well-formed one (a malformed UUID counts
 * as an auth failure for the dashboard's WAF).
 */
import type * as grpc from '@grpc/grpc-js';
import type { NezhaConfig } from '../../config/schema.js';
import { NezhaDashboard } from './dashboard.js';
import { describeGrpcError, GRPC_STATUS, isAuthFailure, isNodeRefusal, isUnimplemented } from './grpc-errors.js';
import { isUuid } from './uuid.js';
import type { Logger } from '../../log.js';

export type SecretVerdict =
  | { kind: 'accepted' }
  /** The secret is right; this node belongs to another user of the dashboard. */
  | { kind: 'node-refused' }
  | { kind: 'refused'; detail: string }
  /** No gRPC answer over a connection that opens: TLS on one side only, not the gRPC port. */
  | { kind: 'unreachable'; detail: string }
  /** The dashboard cannot be asked (no IOStream in this build, no node to ask with). */
  | { kind: 'unknown'; detail: string };

export async function probeNezhaSecret(config: NezhaConfig, uuid: string, logger: Logger, timeoutMs = 5_000): Promise<SecretVerdict> {
  if (!isUuid(uuid)) return { kind: 'unknown', detail: 'no well-formed node UUID to ask with' };
  const dashboard = new NezhaDashboard(config, logger, 'tikprobe-check');
  const client = dashboard.newClient();
  try {
    const end = await streamEnd(client, dashboard.metadata(uuid.toLowerCase()), timeoutMs);
    return verdictOf(end, config.secret);
  } finally {
    client.close();
  }
}

/** How the stream ended: its status error, or undefined when it closed cleanly. */
function streamEnd(client: grpc.Client, md: grpc.Metadata, timeoutMs: number): Promise<grpc.ServiceError | undefined> {
  return new Promise((resolve) => {
    const open = (client as unknown as { IOStream(md: grpc.Metadata, options: grpc.CallOptions): grpc.ClientDuplexStream<unknown, unknown> }).IOStream;
    const call = open.call(client, md, { deadline: Date.now() + timeoutMs });
    call.on('data', () => undefined);
    call.on('error', (err: grpc.ServiceError) => resolve(err));
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code === GRPC_STATUS.OK) resolve(undefined);
    });
    call.end();
  });
}

export function verdictOf(err: grpc.ServiceError | undefined, secret: string): SecretVerdict {
  if (err === undefined) return { kind: 'accepted' };
  if (isNodeRefusal(err)) return { kind: 'node-refused' };
  if (isAuthFailure(err)) return { kind: 'refused', detail: firstLine(describeGrpcError(err, secret)) };
  if (isUnimplemented(err)) return { kind: 'unknown', detail: 'this dashboard build has no IOStream to ask with' };
  const transport = err.code === GRPC_STATUS.UNAVAILABLE || err.code === GRPC_STATUS.DEADLINE_EXCEEDED || err.code === GRPC_STATUS.CANCELLED;
  // Any other end (upstream: an empty stream's EOF) came after the secret was checked.
  return transport ? { kind: 'unreachable', detail: firstLine(describeGrpcError(err, secret)) } : { kind: 'accepted' };
}

/** The first line, at most 160 characters: TLS errors bring OpenSSL's multi-line text. */
function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}
