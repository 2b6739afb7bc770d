/** Host name resolution for bridge-side probes; injected so tests never query a real resolver. */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { CancelSignal } from '../time/cancel.js';

/** Resolves a host name to one address (as the OS resolver orders them). Rejects on failure. */
export type Lookup = (host: string) => Promise<string>;

export const systemLookup: Lookup = async (host) => (await dnsLookup(host)).address;

/**
 * The address to use for `host`: itself when it is an IP, else the lookup's. Undefined on a
 * DNS failure, and when `signal` aborts first (the OS lookup cannot be cancelled, so it is
 * abandoned rather than awaited).
 */
export async function resolveHost(host: string, lookup: Lookup, signal: CancelSignal): Promise<string | undefined> {
  if (isIP(host) !== 0) return host;
  if (signal.aborted) return undefined;
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([lookup(host).catch(() => undefined), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
