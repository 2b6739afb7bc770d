/**
 * TCP and UDP connection counts without ever fetching the connection table (megabytes of
 * JSON on a busy router). Preferred: `POST …/connection/print` with `count-only` and a
 * `protocol=` query, for IPv4 and IPv6. A router that does not answer that with
 * `{"ret":…}` gets the tracking totals instead (one small object per family, no per-protocol
 * split), and is asked again with count-only at most every `reprobeMs`.
 */
import { errorCode, RouterError } from '../errors.js';
import type { ConnectionCounts } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { parseCountOnly, parseTrackingTotal, trackingHasFamilyTotals } from '../routeros/schemas.js';
import type { CancelSignal } from '../time/cancel.js';

export type ConnectionMode = ConnectionCounts['source'];

export interface ConnectionCounterOptions {
  /** How often a router in tracking-total mode is probed with count-only again. */
  reprobeMs: number;
  /** Called when the mode changes (so the caller logs it once); `cause` is why count-only was dropped. */
  onModeChange?: (mode: ConnectionMode, cause: RouterError | undefined) => void;
}

const V4 = 'ip/firewall/connection';
const V6 = 'ipv6/firewall/connection';

/** Errors that say "this router cannot count that way", as opposed to "cannot answer now". */
function meansCountOnlyUnsupported(err: unknown): err is RouterError {
  return (
    err instanceof RouterError &&
    (err.code === 'ROUTER_MALFORMED' || err.code === 'ROUTER_BAD_REQUEST' || err.code === 'ROUTER_UNSUPPORTED')
  );
}

/** Per-router state: which mode works, and whether the IPv6 menus exist. */
export class ConnectionCounter {
  private current: ConnectionMode = 'count-only';
  private probedAt = Number.NEGATIVE_INFINITY;
  private ipv6MissingAt: number | undefined;

  constructor(private readonly options: ConnectionCounterOptions) {}

  mode(): ConnectionMode {
    return this.current;
  }

  async count(rest: RouterRest, signal: CancelSignal, now: number): Promise<ConnectionCounts> {
    if (this.ipv6MissingAt !== undefined && now - this.ipv6MissingAt >= this.options.reprobeMs) {
      this.ipv6MissingAt = undefined;
    }
    if (this.current === 'tracking-total' && now - this.probedAt < this.options.reprobeMs) {
      return this.trackingTotal(rest, signal, now);
    }
    this.probedAt = now;
    try {
      const counts = await this.countOnly(rest, signal, now);
      this.setMode('count-only', undefined);
      return counts;
    } catch (err) {
      if (signal.aborted || !meansCountOnlyUnsupported(err)) throw err;
      this.setMode('tracking-total', err);
      return this.trackingTotal(rest, signal, now);
    }
  }

  private setMode(mode: ConnectionMode, cause: RouterError | undefined): void {
    if (mode === this.current) return;
    this.current = mode;
    this.options.onModeChange?.(mode, cause);
  }

  private async countOnly(rest: RouterRest, signal: CancelSignal, now: number): Promise<ConnectionCounts> {
    // Sequential on purpose: the router serialises one user's requests anyway.
    const tcp4 = await countProtocol(rest, signal, V4, 'tcp');
    const udp4 = await countProtocol(rest, signal, V4, 'udp');
    const v6 = await this.ipv6(now, async () => {
      const tcp = await countProtocol(rest, signal, V6, 'tcp');
      const udp = await countProtocol(rest, signal, V6, 'udp');
      return { tcp, udp };
    });
    return { tcp: tcp4 + (v6?.tcp ?? 0), udp: udp4 + (v6?.udp ?? 0), source: 'count-only' };
  }

  private async trackingTotal(rest: RouterRest, signal: CancelSignal, now: number): Promise<ConnectionCounts> {
    const reply = await rest.get(`${V4}/tracking`, { proplist: ['total-entries', 'total-ip4-entries'], signal });
    const total4 = parseTrackingTotal(reply, `${V4}/tracking`);
    // From 7.20 the IPv4 menu reports per-family totals: its total-entries then covers IPv6 too.
    if (trackingHasFamilyTotals(reply, `${V4}/tracking`)) return { tcp: total4, udp: 0, source: 'tracking-total' };
    const total6 = await this.ipv6(now, async () =>
      parseTrackingTotal(await rest.get(`${V6}/tracking`, { proplist: ['total-entries'], signal }), `${V6}/tracking`),
    );
    return { tcp: total4 + (total6 ?? 0), udp: 0, source: 'tracking-total' };
  }

  /** Runs an IPv6 read unless the IPv6 menus were found missing; an unsupported menu counts as 0. */
  private async ipv6<T>(now: number, read: () => Promise<T>): Promise<T | undefined> {
    if (this.ipv6MissingAt !== undefined) return undefined;
    try {
      return await read();
    } catch (err) {
      if (errorCode(err) !== 'ROUTER_UNSUPPORTED') throw err;
      this.ipv6MissingAt = now;
      return undefined;
    }
  }
}

/** The count-only bodies, frozen: the client serialises each once (routeros/client.ts). */
const COUNT_BODIES = {
  tcp: Object.freeze({ 'count-only': '', '.query': Object.freeze(['protocol=tcp']) }),
  udp: Object.freeze({ 'count-only': '', '.query': Object.freeze(['protocol=udp']) }),
};

async function countProtocol(rest: RouterRest, signal: CancelSignal, menu: string, protocol: 'tcp' | 'udp'): Promise<number> {
  const reply = await rest.post(`${menu}/print`, COUNT_BODIES[protocol], { signal });
  return parseCountOnly(reply, `${menu}/print count-only`);
}
