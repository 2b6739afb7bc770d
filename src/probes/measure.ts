/**
 * One function per probe kind, each returning the RTT in milliseconds or undefined for a
 * loss. They reject only when the caller's signal aborts, or — router side — with the
 * RouterError of the REST request, which the scheduler classifies (it is not a loss).
 */
import { performance } from 'node:perf_hooks';
import type { RouterRest } from '../routeros/rest.js';
import type { BridgeIcmp } from './bridge-icmp.js';
import { deadline } from './deadline.js';
import type { HttpProber } from './http-probe.js';
import type { Probe } from './kinds.js';
import { type Lookup, resolveHost } from './resolve.js';
import { pingFromRouter } from './router-icmp.js';
import { type ProbeOptions, probeTcp } from './tcp-probe.js';
import { abortReason } from '../time/cancel.js';

/** The timeout and caller signal every probe takes. */
export type MeasureOptions = ProbeOptions;

export type Measure = (probe: Probe, options: MeasureOptions) => Promise<number | undefined>;

export interface MeasureDeps {
  rest: RouterRest;
  bridgeIcmp: BridgeIcmp;
  http: HttpProber;
  lookup: Lookup;
}

/** Bridge ICMP: net-ping takes IP addresses only, so names are resolved first, inside the same timeout. */
async function bridgeIcmp(deps: MeasureDeps, host: string, options: MeasureOptions): Promise<number | undefined> {
  const started = performance.now();
  const limit = deadline(options.signal, options.timeoutMs);
  let address: string | undefined;
  try {
    address = await resolveHost(host, deps.lookup, limit.signal);
  } finally {
    limit.clear();
  }
  if (options.signal.aborted) throw abortReason(options.signal);
  const left = options.timeoutMs - (performance.now() - started);
  if (address === undefined || left <= 0) return undefined;
  return deps.bridgeIcmp.ping(address, left, options.signal);
}

export function createMeasure(deps: MeasureDeps): Measure {
  return async (probe, options) => {
    switch (probe.kind) {
      case 'router-icmp': {
        const summary = await pingFromRouter(deps.rest, probe.host, { count: probe.count, ...options });
        return summary.received > 0 ? summary.avgRttMs : undefined;
      }
      case 'bridge-icmp':
        return bridgeIcmp(deps, probe.host, options);
      case 'tcp':
        return probeTcp(probe.address, { ...options, lookup: deps.lookup });
      case 'http':
        return deps.http.probe(probe.url, options);
    }
  };
}
