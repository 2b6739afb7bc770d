import { describe, expect, it } from 'vitest';
import { percentile, summariseLateness } from '@tikprobe/sim/lateness.js';

const opts = { intervalMs: 5000, toleranceMs: 1000, windowStart: 0, windowEnd: 30_000 };

describe('report lateness', () => {
  it('takes the nearest-rank percentile', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
  });

  it('schedules each router from its first report and counts reports within the tolerance', () => {
    // Slots at 1000, 6000, …, 26000 are due (26000 + 1000 ≤ 30000); the fourth report is 1.5 s late.
    const s = summariseLateness([[1000, 6100, 11_000, 17_500, 21_000, 26_050]], opts);
    expect(s.due).toBe(6);
    expect(s.delivered).toBe(6);
    expect(s.onTime).toBe(5);
    expect(s.onTimeShare).toBeCloseTo(5 / 6);
    expect(s.maxMs).toBe(1500);
    expect(s.p50Ms).toBe(0);
  });

  it('counts due slots without a report as misses, and silent routers for the whole window', () => {
    const s = summariseLateness([[1000, 6000], []], opts);
    expect(s.silentRouters).toBe(1);
    expect(s.due).toBe(6 + 6);
    expect(s.delivered).toBe(2);
    expect(s.onTime).toBe(2);
  });

  it('does not count a slot whose deadline had not passed when measuring stopped', () => {
    const s = summariseLateness([[1000, 6000, 11_000, 16_000, 21_000, 26_000]], { ...opts, windowEnd: 26_500 });
    expect(s.due).toBe(5);
    expect(s.onTime).toBe(5);
  });

  it('anchored at the median phase, does not let one late first report shift every slot', () => {
    // The first report came 800 ms late (a slower first poll); the rest keep a steady 5 s beat.
    const times = [1800, 6000, 11_000, 16_000, 21_000, 26_000];
    const first = summariseLateness([times], opts);
    expect(first.onTime).toBe(6);
    expect(first.p50Ms).toBe(-800);
    const late = summariseLateness([[2500, 6000, 11_000, 16_000, 21_000, 26_000]], opts);
    expect(late.onTime).toBe(1);
    const median = summariseLateness([[2500, 6000, 11_000, 16_000, 21_000, 26_000]], { ...opts, anchor: 'median' });
    expect(median.onTime).toBe(5);
    expect(median.maxMs).toBe(1500);
    expect(median.p50Ms).toBe(0);
  });

  it('anchored at the median phase, still shows drift', () => {
    const drifting = Array.from({ length: 6 }, (_, k) => 1000 + k * 5400);
    const s = summariseLateness([drifting], { ...opts, windowEnd: 40_000, anchor: 'median' });
    expect(s.onTime).toBeLessThan(s.delivered);
  });
});
