/**
 * Runs a scheduler under a given TZ (set on this worker process; Node re-reads the zone
 * when process.env.TZ is assigned) and returns the finished_at stamps it sent. The caller
 * asserts exact strings, so a formatter that ignored the zone, used toISOString() or took
 * the offset of the wrong instant would fail.
 */
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { resolveAfter, harness, task } from './scheduler-harness.js';

export function useTimeZone(tz: string): void {
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env.TZ;
    process.env.TZ = tz;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  });
}

/** Offsets (minutes west, as getTimezoneOffset reports) the zone must show, checked before the scenario. */
export function expectZoneActive(instants: Record<number, number>): void {
  for (const [ms, offset] of Object.entries(instants)) expect(new Date(Number(ms)).getTimezoneOffset()).toBe(offset);
}

/** One TCP task, a probe that takes 1234 ms, a clock starting at `startMs`: the stamps of `runs` runs, 60 s apart. */
export async function stampsFrom(startMs: number, runs: number): Promise<string[]> {
  vi.useFakeTimers();
  vi.setSystemTime(startMs);
  try {
    const h = harness([task(1, 'tcp', '192.0.2.1:443', 60)], { script: () => resolveAfter(1234, 20) });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync((runs - 1) * 60_000 + 2000);
    await h.scheduler.stop();
    return h.sent.map((r) => r.finished_at);
  } finally {
    vi.useRealTimers();
  }
}
