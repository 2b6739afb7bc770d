/**
 * TCP connect time from this host. The host name is resolved first and not timed, so the
 * value is the handshake alone (resolution and connect share the one timeout); the socket
 * is destroyed the moment it connects (nothing is sent). Refused, unreachable, DNS failure
 * or timeout → undefined (a loss).
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { deadline } from './deadline.js';
import { type Lookup, resolveHost } from './resolve.js';
import type { HostPort } from './targets.js';
import { abortReason, type CancelSignal } from '../time/cancel.js';

export interface ProbeOptions {
  timeoutMs: number;
  /** Aborting rejects the probe (no measurement); it is not a loss. */
  signal: CancelSignal;
}

function connectTime(address: string, port: number, signal: CancelSignal): Promise<number | undefined> {
  return new Promise<number | undefined>((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: address, port });
    const finish = (outcome: () => void) => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      // An error after destroy (e.g. a late RST) must not become an unhandled 'error' event.
      socket.on('error', () => {});
      socket.destroy();
      outcome();
    };
    const onAbort = () => finish(() => reject(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      const elapsed = performance.now() - started;
      finish(() => resolve(elapsed));
    });
    socket.once('error', () => finish(() => resolve(undefined)));
  });
}

export async function probeTcp(target: HostPort, options: ProbeOptions & { lookup: Lookup }): Promise<number | undefined> {
  const { signal } = options;
  if (signal.aborted) throw abortReason(signal);
  const limit = deadline(signal, options.timeoutMs);
  try {
    const address = await resolveHost(target.host, options.lookup, limit.signal);
    if (signal.aborted) throw abortReason(signal);
    if (address === undefined) return undefined;
    return await connectTime(address, target.port, limit.signal);
  } catch (err) {
    if (limit.timedOut()) return undefined;
    throw err;
  } finally {
    limit.clear();
  }
}
