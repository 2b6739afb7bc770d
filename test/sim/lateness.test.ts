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

  it("on the router's own grid, does not let one late first report shift every slot", () => {
    // The first report came 800 ms late (a slower first poll); the rest keep a steady 5 s beat.
    const times = [1800, 6000, 11_000, 16_000, 21_000, 26_000];
    const first = summariseLateness([times], opts);
    expect(first.onTime).toBe(6);
    expect(first.p50Ms).toBe(-800);
    const late = summariseLateness([[2500, 6000, 11_000, 16_000, 21_000, 26_000]], opts);
    expect(late.onTime).toBe(1);
    const grid = summariseLateness([[2500, 6000, 11_000, 16_000, 21_000, 26_000]], { ...opts, anchor: 'grid' });
    expect(grid.onTime).toBe(5);
    expect(grid.maxMs).toBe(1500);
    expect(grid.p50Ms).toBe(0);
  });

  it("on the router's own grid, still shows drift", () => {
    const drifting = Array.from({ length: 6 }, (_, k) => 1000 + k * 5400);
    const s = summariseLateness([drifting], { ...opts, windowEnd: 40_000, anchor: 'grid' });
    expect(s.onTime).toBeLessThan(s.delivered);
  });

  it("on the router's own grid, a late report and the catch-up right after it cost one slot, not every later one", () => {
    // Beat at 0 mod 5 s; the window's first report came 3 s late (3 000), the next poll's on the beat at 5 000.
    const times = [3000, 5000, 10_000, 15_000, 20_000, 25_000];
    const byCount = summariseLateness([times], opts);
    expect(byCount.onTime).toBe(1); // anchored at 3 000: every later report 3 s "early"
    expect(byCount.p50Ms).toBe(-3000);
    const grid = summariseLateness([times], { ...opts, anchor: 'grid' });
    expect(grid.due).toBe(6);
    expect(grid.delivered).toBe(5); // slot 0 had nothing within half an interval: a miss
    expect(grid.onTime).toBe(5);
    expect(grid.p50Ms).toBe(0);
    // A surplus report (one more poll slipped in) shifts matching by count by a whole interval.
    const surplus = [0, 3000, 5000, 10_000, 15_000, 20_000, 25_000];
    expect(summariseLateness([surplus], opts).p50Ms).toBe(-5000);
    expect(summariseLateness([surplus], opts).onTime).toBe(1);
    expect(summariseLateness([surplus], { ...opts, anchor: 'grid' }).onTime).toBe(6);
  });

  it("on the router's own grid, a missing report is a miss and a surplus one counts for nothing", () => {
    const grid = summariseLateness([[1000, 6000, 16_000, 16_200, 21_000, 26_000]], { ...opts, anchor: 'grid' });
    expect(grid.due).toBe(6);
    expect(grid.delivered).toBe(5);
    expect(grid.onTime).toBe(5);
    // The window's first slot comes before a router whose beat starts later: a miss.
    const late = summariseLateness([[11_000, 16_000, 21_000, 26_000]], { ...opts, anchor: 'grid' });
    expect(late.due).toBe(6);
    expect(late.onTime).toBe(4);
    expect(summariseLateness([[]], { ...opts, anchor: 'grid' }).due).toBe(6);
  });

  it("on the router's own grid, never counts more on time than there are slots or reports, and a steady beat is all on time", () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 300; round++) {
      const phase = Math.floor(rand() * 5000);
      const steady = Array.from({ length: 6 }, (_, k) => phase + k * 5000).filter((t) => t + 1000 <= 30_000 || rand() < 0.5);
      const s = summariseLateness([steady], { ...opts, anchor: 'grid' });
      expect(s.onTime).toBe(s.due);
      const noisy = steady
        .flatMap((t) => (rand() < 0.2 ? [] : rand() < 0.2 ? [t + 3000 * rand(), t + 4000] : [t + 900 * (rand() - 0.5)]))
        .sort((a, b) => a - b);
      const g = summariseLateness([noisy], { ...opts, anchor: 'grid' });
      expect(g.onTime).toBeLessThanOrEqual(Math.min(g.due, noisy.length));
      expect(g.delivered).toBeLessThanOrEqual(g.due);
    }
  });
});
