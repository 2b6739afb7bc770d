import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../src/time/backoff.js';
import { Loop, nextSlot, type TickResult } from '../../src/time/loop.js';
import { systemClock } from '../../src/time/timers.js';
import type { CancelSignal } from '../../src/time/cancel.js';

const policy = { baseMs: 5000, capMs: 60_000, jitter: 0.2 };

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, mid))).toEqual([5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });
  it('spreads each delay by the jitter and never exceeds the cap', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(4000);
    expect(backoffDelay(1, policy, () => 0.999_999)).toBe(6000);
    expect(backoffDelay(10, policy, () => 0.999_999)).toBe(60_000);
  });
});

describe('nextSlot', () => {
  it('keeps the grid when a tick was quick', () => {
    expect(nextSlot(1000, 5000, 1200)).toBe(6000);
  });
  it('skips slots that are already past instead of bunching ticks', () => {
    expect(nextSlot(1000, 5000, 12_500)).toBe(16_000);
    expect(nextSlot(1000, 5000, 6000)).toBe(11_000);
  });
});

describe('Loop', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function makeLoop(tick: (signal: CancelSignal) => Promise<TickResult>, onCrash = vi.fn()) {
    return new Loop({ intervalMs: 5000, startDelayMs: 1000, backoff: policy, clock: systemClock, random: () => 0.5, tick, onCrash });
  }

  it('ticks on a fixed grid even when a tick takes time', async () => {
    const starts: number[] = [];
    const loop = makeLoop(async () => {
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, 1200));
      return { ok: true };
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(22_500);
    expect(starts).toEqual([1000, 6000, 11_000, 16_000, 21_000]);
    await loop.stop();
  });

  it('never overlaps itself when a tick outlasts the interval', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const starts: number[] = [];
    const loop = makeLoop(async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, 7000));
      inFlight -= 1;
      return { ok: true };
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(maxInFlight).toBe(1);
    expect(starts).toEqual([1000, 11_000, 21_000]);
    await loop.stop();
  });

  it('moves its grid to a tick\'s anchorAt (a first poll that waited for its turn)', async () => {
    const starts: number[] = [];
    const ends: [number, number][] = [];
    const loop = new Loop({
      intervalMs: 5000,
      startDelayMs: 1000,
      backoff: policy,
      clock: systemClock,
      random: () => 0.5,
      onCrash: vi.fn(),
      onTickEnd: (slotAt, startedAt) => ends.push([slotAt, startedAt]),
      tick: async () => {
        starts.push(Date.now());
        if (starts.length > 1) return { ok: true };
        await new Promise((r) => setTimeout(r, 2300)); // waited for its turn, then polled at 3 300
        return { ok: true, anchorAt: 3300 };
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(14_000);
    expect(starts).toEqual([1000, 8300, 13_300]);
    // The load estimate sees the first tick as due and started at its anchor, not 2.3 s late.
    expect(ends[0]).toEqual([3300, 3300]);
    await loop.stop();
  });

  it('backs off exponentially while failing and returns to the interval after recovery', async () => {
    const starts: number[] = [];
    let fail = 4;
    const loop = makeLoop(async () => {
      starts.push(Date.now());
      if (fail > 0) {
        fail -= 1;
        return { ok: false };
      }
      return { ok: true };
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(1000 + 5000 + 10_000 + 20_000 + 40_000 + 10_001);
    expect(starts).toEqual([1000, 6000, 16_000, 36_000, 76_000, 81_000, 86_000]);
    expect(loop.consecutiveFailures).toBe(0);
    await loop.stop();
  });

  it('retries slowly (at the cap) for a failure that is marked slow', async () => {
    const starts: number[] = [];
    const loop = makeLoop(async () => {
      starts.push(Date.now());
      return { ok: false, slow: true };
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(125_000);
    expect(starts).toEqual([1000, 61_000, 121_000]);
    await loop.stop();
  });

  it('keeps running after the tick throws, reporting the crash', async () => {
    const onCrash = vi.fn();
    let n = 0;
    const loop = makeLoop(async () => {
      n += 1;
      if (n === 1) throw new Error('boom');
      return { ok: true };
    }, onCrash);
    loop.start();
    await vi.advanceTimersByTimeAsync(1000 + 5000 + 5000);
    expect(onCrash).toHaveBeenCalledTimes(1);
    expect(n).toBe(3);
    await loop.stop();
  });

  it('stop aborts the tick in flight, waits for it and schedules nothing more', async () => {
    let aborted = false;
    let ticks = 0;
    const loop = makeLoop(
      (signal) =>
        new Promise((resolve) => {
          ticks += 1;
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ ok: false });
          });
        }),
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(1500);
    await loop.stop();
    expect(aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ticks).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('Loop start buckets', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rounds start instants up to the bucket, so loops due close together tick together and stay so', async () => {
    const starts = new Map<number, number[]>();
    const loops = [3, 10, 24, 25, 26, 4999].map((startDelayMs) => {
      const list: number[] = [];
      starts.set(startDelayMs, list);
      return new Loop({
        intervalMs: 5000,
        startDelayMs,
        bucketMs: 25,
        backoff: policy,
        clock: systemClock,
        random: () => 0.5,
        tick: async () => {
          list.push(Date.now());
          return { ok: true };
        },
        onCrash: vi.fn(),
      });
    });
    for (const loop of loops) loop.start();
    await vi.advanceTimersByTimeAsync(10_100);
    expect(starts.get(3)).toEqual([25, 5025, 10_025]);
    expect(starts.get(10)).toEqual([25, 5025, 10_025]);
    expect(starts.get(24)).toEqual([25, 5025, 10_025]);
    expect(starts.get(25)).toEqual([25, 5025, 10_025]);
    expect(starts.get(26)).toEqual([50, 5050, 10_050]);
    expect(starts.get(4999)).toEqual([5000, 10_000]);
    await Promise.all(loops.map((l) => l.stop()));
  });

  it('a retry after a failure lands on a bucket too', async () => {
    const starts: number[] = [];
    let first = true;
    const loop = new Loop({
      intervalMs: 5000,
      startDelayMs: 0,
      bucketMs: 25,
      backoff: { baseMs: 1010, capMs: 1010, jitter: 0 },
      clock: systemClock,
      random: () => 0.5,
      tick: async () => {
        starts.push(Date.now());
        if (first) {
          first = false;
          return { ok: false };
        }
        return { ok: true };
      },
      onCrash: vi.fn(),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(6100);
    expect(starts).toEqual([0, 1025, 6025]);
    await loop.stop();
  });
});
