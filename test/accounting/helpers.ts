import { advanceTraffic, type TrafficOptions, type TrafficState, type TrafficStep } from '../../src/accounting/traffic.js';
import type { InterfaceCounter } from '../../src/model.js';
import { encodeRouterState, routerStateSchema } from '../../src/state/schema.js';

/** A traffic state through its on-disk form and back, as a bridge restart reads it. */
export function roundTrip(state: TrafficState): TrafficState {
  const text = JSON.stringify(encodeRouterState({ version: 1, traffic: state }));
  const back = routerStateSchema.parse(JSON.parse(text)).traffic;
  if (!back) throw new Error('traffic lost in the round trip');
  return back;
}

export const T0 = Date.UTC(2024, 4, 10, 12, 0, 0); // 2024-05-10 12:00:00Z
export const UTC: TrafficOptions = { timeZone: 'UTC' };

export function ctr(name: string, id: string, rx: bigint | number, tx: bigint | number): InterfaceCounter {
  return { name, id, rxBytes: BigInt(rx), txBytes: BigInt(tx) };
}

/** Runs observations in order, each `[atMs, uptimeS, counters]`, and returns every step. */
export function run(
  observations: Array<[number, number, InterfaceCounter[]]>,
  opts: TrafficOptions = UTC,
  start?: TrafficState,
): TrafficStep[] {
  let state = start;
  const steps: TrafficStep[] = [];
  for (const [atMs, uptimeS, counters] of observations) {
    const step = advanceTraffic(state, { atMs, uptimeS, counters }, opts);
    steps.push(step);
    state = step.state;
  }
  return steps;
}

export function last<T>(xs: readonly T[]): T {
  const x = xs[xs.length - 1];
  if (x === undefined) throw new Error('empty');
  return x;
}
