/**
 * The ping-task shape of the shared loop (fixedCadence with firstAtOnce and armAhead) on a
 * manual clock, and systemClock's waits beyond setTimeout's 2^31 − 1 ms.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedCadence } from '../../src/time/loop.js';
import { MAX_TIMER_MS, systemClock } from '../../src/time/timers.js';
import { ManualClock } from '../support/manual-clock.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function cadence(clock: ManualClock, runMs: () => number, startDelayMs = 0) {
  const starts: number[] = [];
  const t0 = clock.now();
  const loop = fixedCadence({
    intervalMs: 1000,
    startDelayMs,
    firstAtOnce: true,
    armAhead: true,
    clock,
    random: () => 0,
    onCrash: vi.fn(),
    run: (signal) =>
      new Promise<void>((resolve) => {
        starts.push(clock.now() - t0);
        const timer = clock.setTimeout(resolve, runMs());
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          resolve();
        });
      }),
  });
  return { loop, starts };
}

describe('fixedCadence with firstAtOnce and armAhead', () => {
  it('runs a due first slot inside start(), keeps one timer armed ahead, and skips slots while a run goes on', async () => {
    const clock = new ManualClock();
    const { loop, starts } = cadence(clock, () => 2500);
    loop.start();
    expect(starts).toEqual([0]); // no timer needed for the first run
    expect(clock.pending()).toBe(2); // the next slot, and the run's own 2.5 s
    for (let t = 0; t < 12; t++) {
      clock.advance(500);
      await flush();
    }
    expect(starts).toEqual([0, 3000, 6000]);
    await loop.stop();
    expect(clock.pending()).toBe(0);
  });

  it('starts after its random offset and stays on its grid', async () => {
    const clock = new ManualClock();
    const { loop, starts } = cadence(clock, () => 10, 400);
    loop.start();
    expect(starts).toEqual([]);
    for (let t = 0; t < 30; t++) {
      clock.advance(100);
      await flush();
    }
    expect(starts).toEqual([400, 1400, 2400]);
    await loop.stop();
    expect(clock.pending()).toBe(0);
  });
});

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the whole delay beyond 2^31 − 1 ms, in steps, and can be cleared between steps', () => {
    vi.useFakeTimers({ now: 0 });
    const fired = vi.fn();
    const long = 3 * MAX_TIMER_MS + 5;
    systemClock.setTimeout(fired, long);
    vi.advanceTimersByTime(long - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);

    const cleared = vi.fn();
    const handle = systemClock.setTimeout(cleared, 2 * MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS + 10);
    systemClock.clearTimeout(handle);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2 * MAX_TIMER_MS);
    expect(cleared).not.toHaveBeenCalled();
  });
});
