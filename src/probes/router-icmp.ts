/**
 * ICMP from the router: `POST /rest/ping` with a bounded `count` and a 200 ms `interval`,
 * so one measurement takes well under a second of the router user's (serialised) time.
 */
import type { RouterRest } from '../routeros/rest.js';
import { ROUTER_PING_INTERVAL } from './kinds.js';
import { type RouterPingSummary, summarisePingReply } from './ping-reply.js';
import type { CancelSignal } from '../time/cancel.js';

export interface RouterPingOptions {
  count: number;
  signal: CancelSignal;
  /** REST request timeout; see `routerPingTimeoutMs`. */
  timeoutMs: number;
}

/** Pings `host` from the router. Rejects with the RouterError of the request (e.g. ROUTER_POLICY). */
export async function pingFromRouter(rest: RouterRest, host: string, options: RouterPingOptions): Promise<RouterPingSummary> {
  const reply = await rest.post(
    'ping',
    { address: host, count: String(options.count), interval: ROUTER_PING_INTERVAL },
    { signal: options.signal, timeoutMs: options.timeoutMs },
  );
  return summarisePingReply(reply);
}
