import { seededRng } from '@tikprobe/sim/prng.js';
import { describe, expect, it } from 'vitest';
import { type LoadFigures, type LoadSample, loadFigures, nextLoadState, sampleOf, TickLedger } from '../../src/bridge/load-estimate.js';

const slots0 = { busyMs: 0, size: 32, waitedMs: 0, waited: 0 };

describe('TickLedger', () => {
  it('counts a poll late only when the bridge delayed it: late wake-up plus waits for a request slot', () => {
    const l = new TickLedger();
    l.join(5000);
    // On time, even though the router took 4.9 s to answer (the router, not the bridge).
    l.record(5000, 0, 5, 4900, 0, true);
    // Woke 600 ms late and waited 500 ms for slots: 1.1 s > a fifth of 5 s.
    l.record(5000, 5000, 5600, 6000, 500, true);
    // Exactly a fifth: not late.
    l.record(5000, 10_000, 10_500, 10_600, 500, true);
    expect({ ticks: l.ticks, due: l.dueSlots, late: l.lateSlots, delivered: l.delivered }).toEqual({ ticks: 3, due: 3, late: 1, delivered: 3 });
    expect(l.latenessSumS).toBeCloseTo(0.005 + 1.1 + 1.0, 6);
    // Histogram: 5 ms in the first bucket, 1.0 s in (0.5, 1], 1.1 s in (1, 2.5].
    expect(l.latenessCounts).toEqual([1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('counts the slots a late tick ran over as due and late; a skipped tick is not delivered', () => {
    const l = new TickLedger();
    l.record(5000, 0, 3000, 12_000, 0, false);
    expect({ due: l.dueSlots, late: l.lateSlots, delivered: l.delivered }).toEqual({ due: 3, late: 3, delivered: 0 });
  });

  it('keeps the demand of the routers that run', () => {
    const l = new TickLedger();
    l.join(5000);
    l.join(10_000);
    expect(l.demandPerS).toBeCloseTo(0.3, 9);
    l.leave(5000);
    expect(l.routers).toBe(1);
    expect(l.demandPerS).toBeCloseTo(0.1, 9);
    l.leave(10_000);
    expect(l.demandPerS).toBe(0);
  });
});

function sample(over: Partial<LoadSample>): LoadSample {
  return { at: 0, routers: 0, demandPerS: 0, ticks: 0, delivered: 0, dueSlots: 0, lateSlots: 0, cpuBusyMs: 0, slotBusyMs: 0, slots: 32, waitedMs: 0, waited: 0, ...over };
}

describe('loadFigures', () => {
  it('turns a minute of counters into late share, needed/available per resource and capacity', () => {
    // 10 000 routers at 5 s ask for 2 000 cycles/s; in 60 s 60 000 ticks finished with 54 s of
    // event-loop time (0.9 ms each) and 1 800 slot-seconds of 32 slots (30 ms each).
    const older = sample({ at: 0, routers: 10_000, demandPerS: 2000 });
    const newer = sample({ at: 60_000, routers: 10_000, demandPerS: 2000, ticks: 60_000, dueSlots: 120_000, lateSlots: 30_000, cpuBusyMs: 54_000, slotBusyMs: 1_800_000, waitedMs: 9_000_000, waited: 150_000 });
    const f = loadFigures(older, newer);
    expect(f.lateShare).toBe(0.25);
    expect(f.cpuMsPerCycle).toBe(0.9);
    expect(f.cpuRatio).toBeCloseTo(1.8, 9); // 0.9 ms × 2 000/s = 1.8 s per s
    expect(f.requestRatio).toBeCloseTo(1.875, 9); // 30 ms × 2 000/s ÷ 32 slots
    expect(f.limitedBy).toBe('requests');
    expect(f.capacityRouters).toBe(Math.floor((10_000 * 0.8) / 1.875));
    expect(f.busyShare).toBe(0.9);
    expect(f.meanWaitMs).toBe(60);
  });

  it('has no ratio and no capacity before any tick finished', () => {
    const f = loadFigures(sample({}), sample({ at: 5000, routers: 5 }));
    expect(f).toMatchObject({ cpuRatio: undefined, requestRatio: undefined, capacityRouters: undefined, lateShare: 0 });
  });

  it('capacity is the fleet scaled by headroom over the load, whatever the fleet (property)', () => {
    const rng = seededRng(13);
    for (let i = 0; i < 500; i++) {
      const routers = 1 + Math.floor(rng() * 20_000);
      const intervalS = 1 + Math.floor(rng() * 60);
      const ticks = 1 + Math.floor(rng() * 100_000);
      const cpuMs = rng() * 60_000;
      const newer = sampleOf(Object.assign(new TickLedger(), { routers, demandPerS: routers / intervalS, ticks }), 60_000, cpuMs, { ...slots0, busyMs: rng() * 1e6 });
      const f = loadFigures(sample({}), newer);
      const ratio = Math.max(f.cpuRatio!, f.requestRatio!);
      if (ratio === 0) continue;
      // At the capacity the load would be 80 % of the scarcer resource (within one router).
      const atCapacity = (ratio * f.capacityRouters!) / routers;
      expect(atCapacity).toBeLessThanOrEqual(0.8 + 1e-9);
      expect(atCapacity).toBeGreaterThan(0.8 - ratio / routers - 1e-9);
    }
  });
});

const figures = (lateShare: number, due = 1000): LoadFigures => ({
  windowMs: 60_000,
  routers: 100,
  due,
  lateShare,
  busyShare: 0.5,
  cpuRatio: 1,
  requestRatio: 0.1,
  limitedBy: 'cpu',
  capacityRouters: 80,
  cpuMsPerCycle: 1,
  meanWaitMs: 0,
});

describe('nextLoadState (hysteresis)', () => {
  const HOLD = 60_000;
  it('enters at 5 % late, leaves at 1 %, and holds each state for a window', () => {
    let s = { overloaded: false, since: 0 };
    expect(nextLoadState(s, figures(0.5), 30_000, HOLD)).toBe(s); // too soon after the start
    s = nextLoadState(s, figures(0.05), 60_000, HOLD);
    expect(s).toEqual({ overloaded: true, since: 60_000 });
    expect(nextLoadState(s, figures(0), 100_000, HOLD)).toBe(s); // held for a window
    expect(nextLoadState(s, figures(0.02), 130_000, HOLD)).toBe(s); // between the thresholds: stays
    s = nextLoadState(s, figures(0.01), 130_000, HOLD);
    expect(s).toEqual({ overloaded: false, since: 130_000 });
    expect(nextLoadState(s, figures(0.04), 200_000, HOLD)).toBe(s); // below the entry threshold
  });

  it('takes no decision on too few due polls or too short a window', () => {
    const s = { overloaded: false, since: 0 };
    expect(nextLoadState(s, figures(1, 9), 120_000, HOLD)).toBe(s);
    expect(nextLoadState(s, { ...figures(1), windowMs: 20_000 }, 120_000, HOLD)).toBe(s);
  });

  it('never changes twice within a window, whatever the late shares (property)', () => {
    const rng = seededRng(7);
    let s = { overloaded: false, since: 0 };
    let lastChange = -Infinity;
    for (let now = 0; now < 3_600_000; now += 5000) {
      const next = nextLoadState(s, figures(rng() < 0.5 ? rng() * 0.1 : 0), now, HOLD);
      if (next !== s) {
        expect(now - lastChange).toBeGreaterThanOrEqual(HOLD);
        lastChange = now;
      }
      s = next;
    }
  });
});
