/**
 * Pure scheduling of the extended collectors: which are due at time t. Time runs in ticks of
 * the report cadence (5 s); each collector runs every `period` ticks at a fixed `offset`, and
 * offsets are chosen so that the requests of one tick stay as low as possible (no burst when
 * every period lines up). Deterministic: the same entries always give the same plan.
 */

import type { ExtendedCollector } from '../model.js';

export type { ExtendedCollector };

export const EXTENDED_COLLECTORS: readonly ExtendedCollector[] = [
  'interfaces',
  'health',
  'ethernet',
  'ppp',
  'dhcp',
  'wireless',
  'wireguard',
  'updates',
];

/** Requests one run may send at most (wireless: count, then the short list; dhcp: two counts). */
export const REQUESTS_PER_RUN: Readonly<Record<ExtendedCollector, number>> = {
  interfaces: 1,
  health: 1,
  ethernet: 1,
  ppp: 1,
  dhcp: 2,
  wireless: 2,
  wireguard: 1,
  updates: 1,
};

export interface PlanEntry {
  name: ExtendedCollector;
  periodMs: number;
}

export interface Slot {
  name: ExtendedCollector;
  /** Period in ticks (>= 1). */
  period: number;
  /** First tick, 0 <= offset < period. */
  offset: number;
  requests: number;
}

/** Ticks looked at when spreading: one minute of 5 s ticks covers every default period but updates. */
const HORIZON_TICKS = 720;

/** Requests the basic poll already sends on some ticks (e.g. connection counts every 6th tick). */
export interface ReservedLoad {
  /** Every `period` ticks from tick `offset` (default 0); an infinite period: once, at `offset`. */
  period: number;
  requests: number;
  offset?: number;
}

/**
 * Assigns offsets greedily, shortest period first, each to the least loaded start tick,
 * counting the basic poll's own periodic requests (`reserved`) as load already there.
 */
export function planSlots(entries: readonly PlanEntry[], tickMs: number, reserved: readonly ReservedLoad[] = []): Slot[] {
  const sorted = [...entries].sort((a, b) => a.periodMs - b.periodMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const load = new Array<number>(HORIZON_TICKS).fill(0);
  for (const r of reserved) {
    for (let t = r.offset ?? 0; t < HORIZON_TICKS; t += Math.max(1, r.period)) load[t] = (load[t] as number) + r.requests;
  }
  const slots: Slot[] = [];
  for (const e of sorted) {
    const period = Math.max(1, Math.round(e.periodMs / tickMs));
    const requests = REQUESTS_PER_RUN[e.name];
    let best = 0;
    let bestPeak = Number.POSITIVE_INFINITY;
    for (let offset = 0; offset < Math.min(period, HORIZON_TICKS); offset++) {
      let peak = 0;
      for (let t = offset; t < HORIZON_TICKS; t += period) peak = Math.max(peak, load[t] as number);
      if (peak < bestPeak) {
        bestPeak = peak;
        best = offset;
      }
    }
    for (let t = best; t < HORIZON_TICKS; t += period) load[t] = (load[t] as number) + requests;
    slots.push({ name: e.name, period, offset: best, requests });
  }
  return slots;
}

/** The collectors due at tick `tick` (0-based count of report cycles since start). */
export function dueAt(slots: readonly Slot[], tick: number): ExtendedCollector[] {
  return slots.filter((s) => tick >= s.offset && (tick - s.offset) % s.period === 0).map((s) => s.name);
}

/** The most requests any tick of the horizon gets: the documented burst. */
export function peakRequests(slots: readonly Slot[], ticks = HORIZON_TICKS): number {
  let peak = 0;
  for (let t = 0; t < ticks; t++) {
    const n = slots.reduce((sum, s) => (t >= s.offset && (t - s.offset) % s.period === 0 ? sum + s.requests : sum), 0);
    peak = Math.max(peak, n);
  }
  return peak;
}
