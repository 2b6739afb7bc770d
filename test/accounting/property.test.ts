/**
 * Random router histories against a model that knows the true traffic. Seeded, so a failure
 * names the seed that reproduces it.
 *
 * A counter restart in the model happens at the start of an interval, so the true traffic
 * the bridge can know of is "the counter now minus the counter last seen, or minus 0 if it
 * restarted since". Resets by `reset-counters` are only generated where they are detectable
 * (the new value is below the last one seen), because an undetectable reset is, by
 * definition, invisible to any algorithm.
 */
import { describe, expect, it } from 'vitest';
import { advanceTraffic, type TrafficOptions, type TrafficState } from '../../src/accounting/traffic.js';
import type { InterfaceCounter } from '../../src/model.js';
import { seededRng } from '@tikprobe/sim/prng.js';

interface RouterIface {
  name: string;
  id: string;
  rx: bigint;
  tx: bigint;
  dynamic: boolean;
  /** The bridge has a baseline for this interface. */
  known: boolean;
  /** Counter values when the bridge last saw it, or 0 after a restart since. */
  baseRx: bigint;
  baseTx: bigint;
  seenLastStep: boolean;
}

interface Outcome {
  /** Sum of every period's final totals. */
  countedUp: number;
  countedDown: number;
  trueUp: bigint;
  trueDown: bigint;
  /** How often each event kind occurred, to show the history exercised it. */
  kinds: Record<string, number>;
}

function simulate(seed: number, steps: number, opts: TrafficOptions): Outcome {
  const rnd = seededRng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const chance = (p: number) => rnd() < p;
  let nextId = 100;
  const newId = () => `*${(nextId++).toString(16).toUpperCase()}`;
  const bigStart = () => (chance(0.3) ? BigInt(int(0, 2 ** 30)) * BigInt(int(0, 2 ** 30)) * 4n : BigInt(int(0, 1e9)));

  const ifaces: RouterIface[] = [
    { name: 'ether1', id: '*1', rx: bigStart(), tx: bigStart(), dynamic: false, known: false, baseRx: 0n, baseTx: 0n, seenLastStep: false },
    { name: 'pppoe-out1', id: newId(), rx: bigStart(), tx: bigStart(), dynamic: true, known: false, baseRx: 0n, baseTx: 0n, seenLastStep: false },
  ];
  let atMs = Date.UTC(2023, 10, 20, 8) + int(0, 86_400_000);
  let uptimeS = int(0, 10_000_000);
  let state: TrafficState | undefined;
  let prevTotals = { up: 0, down: 0 };
  const outcome: Outcome = { countedUp: 0, countedDown: 0, trueUp: 0n, trueDown: 0n, kinds: {} };

  for (let i = 0; i < steps; i++) {
    const first = state === undefined;
    const elapsedS = i === 0 ? 0 : chance(0.9) ? int(1, 10) : chance(0.8) ? int(60, 3_600) : int(3_600, 3 * 86_400);
    atMs += elapsedS * 1000;

    // Restarts at the start of the interval.
    if (!first && elapsedS >= 60 && chance(0.15)) {
      uptimeS = int(1, elapsedS - 31);
      for (const f of ifaces) {
        f.rx = 0n;
        f.tx = 0n;
        if (f.dynamic && chance(0.5)) f.id = newId();
        f.baseRx = 0n;
        f.baseTx = 0n;
      }
    } else {
      uptimeS += elapsedS;
    }
    if (chance(0.01)) {
      const name = `lte${ifaces.length}`;
      ifaces.push({ name, id: newId(), rx: bigStart(), tx: bigStart(), dynamic: false, known: false, baseRx: 0n, baseTx: 0n, seenLastStep: false });
    }

    const observed: InterfaceCounter[] = [];
    let stepUp = 0n;
    let stepDown = 0n;
    for (const f of ifaces) {
      let maxRx = elapsedS * 1_000_000;
      let maxTx = elapsedS * 1_000_000;
      let resetNow = false;
      if (f.dynamic && chance(0.03)) {
        f.id = newId();
        f.rx = 0n;
        f.tx = 0n;
        f.baseRx = 0n;
        f.baseTx = 0n;
      } else if (f.known && f.seenLastStep && chance(0.03)) {
        // reset-counters: detectable only when the new value stays below the last one seen.
        if (f.rx > 0n) maxRx = Math.min(maxRx, Number(f.rx - 1n));
        if (f.tx > 0n) maxTx = Math.min(maxTx, Number(f.tx - 1n));
        f.rx = 0n;
        f.tx = 0n;
        f.baseRx = 0n;
        f.baseTx = 0n;
        resetNow = true;
      }
      f.rx += BigInt(int(0, maxRx));
      f.tx += BigInt(int(0, maxTx));
      // A reset is seen in the interval it happened in, or it could grow past the old value unseen.
      const missing = !first && !resetNow && chance(0.1);
      f.seenLastStep = !missing;
      if (missing) continue;
      observed.push({ name: f.name, id: f.id, rxBytes: f.rx, txBytes: f.tx });
      if (f.known) {
        stepDown += f.rx - f.baseRx;
        stepUp += f.tx - f.baseTx;
      }
      f.known = true;
      f.baseRx = f.rx;
      f.baseTx = f.tx;
    }

    // Now and then the bridge restarts: state goes through JSON as on disk.
    if (state && chance(0.02)) state = JSON.parse(JSON.stringify(state)) as TrafficState;
    const step = advanceTraffic(state, { atMs, uptimeS, counters: observed }, opts);
    for (const e of step.events) outcome.kinds[e.kind] = (outcome.kinds[e.kind] ?? 0) + 1;
    outcome.trueUp += stepUp;
    outcome.trueDown += stepDown;
    const rollover = step.events.find((e) => e.kind === 'period-rollover');
    // Plain comparisons per step (expect() in this loop would dominate the run time).
    const check = (ok: boolean, what: string) => {
      if (!ok) throw new Error(`seed ${seed} step ${i}: ${what}; events ${JSON.stringify(step.events)}`);
    };
    const counted = rollover
      ? { up: step.reading.totalUpBytes, down: step.reading.totalDownBytes }
      : { up: step.reading.totalUpBytes - prevTotals.up, down: step.reading.totalDownBytes - prevTotals.down };
    if (rollover) {
      outcome.countedUp += rollover.previousTotalUpBytes;
      outcome.countedDown += rollover.previousTotalDownBytes;
    }
    check(counted.up >= 0 && counted.down >= 0, 'a total went down without a rollover');
    check(BigInt(counted.up) === stepUp, `up counted ${counted.up}, true ${stepUp}`);
    check(BigInt(counted.down) === stepDown, `down counted ${counted.down}, true ${stepDown}`);
    for (const rate of [step.reading.upBps, step.reading.downBps]) {
      check(Number.isInteger(rate) && rate >= 0, `rate ${rate}`);
    }
    prevTotals = { up: step.reading.totalUpBytes, down: step.reading.totalDownBytes };
    state = step.state;
  }
  outcome.countedUp += prevTotals.up;
  outcome.countedDown += prevTotals.down;
  return outcome;
}

describe('advanceTraffic over random histories', () => {
  it('keeps totals non-decreasing and equal to the true traffic (no resetDay)', () => {
    const kinds: Record<string, number> = {};
    for (let seed = 1; seed <= 150; seed++) {
      const o = simulate(seed, 250, { timeZone: 'UTC' });
      expect(BigInt(o.countedUp), `seed ${seed}`).toBe(o.trueUp);
      expect(BigInt(o.countedDown), `seed ${seed}`).toBe(o.trueDown);
      for (const [k, n] of Object.entries(o.kinds)) kinds[k] = (kinds[k] ?? 0) + n;
    }
    for (const k of ['reboot', 'counter-reset', 'interface-recreated', 'interface-added', 'rate-suppressed']) {
      expect(kinds[k], k).toBeGreaterThan(0);
    }
    expect(kinds['period-rollover']).toBeUndefined();
  });

  it('decreases totals only at a rollover, and the periods add up to the true traffic', () => {
    let rollovers = 0;
    const zones = [undefined, 'Europe/Berlin', 'Pacific/Auckland', 'America/St_Johns'];
    for (let seed = 1000; seed < 1080; seed++) {
      const resetDay = 1 + (seed % 28);
      const o = simulate(seed, 250, { resetDay, timeZone: zones[seed % zones.length] });
      expect(BigInt(o.countedUp), `seed ${seed}`).toBe(o.trueUp);
      expect(BigInt(o.countedDown), `seed ${seed}`).toBe(o.trueDown);
      rollovers += o.kinds['period-rollover'] ?? 0;
    }
    expect(rollovers).toBeGreaterThan(0);
  });
});
