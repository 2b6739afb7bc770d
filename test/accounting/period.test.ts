import { describe, expect, it } from 'vitest';
import { crossedBoundary, localDate, periodStartFor } from '../../src/accounting/period.js';
import { advanceTraffic, type TrafficState } from '../../src/accounting/traffic.js';
import { ctr, last, run } from './helpers.js';

const S = 1000;

describe('localDate', () => {
  it('gives the calendar date in the given time zone', () => {
    const at = Date.UTC(2024, 4, 31, 22, 30); // 2024-05-31 22:30Z
    expect(localDate(at, 'UTC')).toBe('2024-05-31');
    expect(localDate(at, 'Europe/Berlin')).toBe('2024-06-01'); // 00:30 CEST
    expect(localDate(at, 'America/New_York')).toBe('2024-05-31');
    expect(localDate(Date.UTC(2024, 5, 1, 3, 0), 'America/Los_Angeles')).toBe('2024-05-31');
  });

  it('uses the host zone (TZ) when none is given', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      const at = Date.UTC(2024, 4, 31, 19, 0); // 00:30 on June 1 in India
      expect(localDate(at)).toBe('2024-06-01');
      process.env.TZ = 'America/New_York';
      expect(localDate(at)).toBe('2024-05-31');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('throws for an unknown time zone', () => {
    expect(() => localDate(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('periodStartFor', () => {
  it('is this month’s reset day once it is reached', () => {
    expect(periodStartFor('2024-05-15', 15)).toBe('2024-05-15');
    expect(periodStartFor('2024-05-31', 15)).toBe('2024-05-15');
    expect(periodStartFor('2024-05-01', 1)).toBe('2024-05-01');
  });

  it('is last month’s reset day before it, across the year end', () => {
    expect(periodStartFor('2024-05-14', 15)).toBe('2024-04-15');
    expect(periodStartFor('2024-01-10', 28)).toBe('2023-12-28');
    expect(periodStartFor('2024-03-01', 28)).toBe('2024-02-28');
  });
});

describe('crossedBoundary', () => {
  it('fires once 00:00 of the reset day passed since the previous observation', () => {
    const prev = { lastAtMs: Date.UTC(2024, 4, 14, 23, 59, 59), periodStart: '2024-04-15' };
    expect(crossedBoundary(prev, Date.UTC(2024, 4, 14, 23, 59, 59, 999), 15, 'UTC')).toBeUndefined();
    expect(crossedBoundary(prev, Date.UTC(2024, 4, 15, 0, 0, 0), 15, 'UTC')).toBe('2024-05-15');
  });

  it('does not fire when the period already began on the boundary', () => {
    const prev = { lastAtMs: Date.UTC(2024, 4, 15, 0, 0, 5), periodStart: '2024-05-15' };
    expect(crossedBoundary(prev, Date.UTC(2024, 4, 15, 0, 0, 10), 15, 'UTC')).toBeUndefined();
  });
});

describe('period rollover in advanceTraffic', () => {
  const opts = { resetDay: 1, timeZone: 'Europe/Berlin' };

  it('sets periodStart to the current period on the baseline', () => {
    const step = advanceTraffic(undefined, { atMs: Date.UTC(2024, 4, 20), uptimeS: 10, counters: [] }, { resetDay: 15, timeZone: 'UTC' });
    expect(step.state.periodStart).toBe('2024-05-15');
  });

  it('restarts the totals at local midnight of the reset day and gives the crossing interval to the new period', () => {
    // 2024-05-31 21:59:58Z = 23:59:58 CEST; the next poll is 00:00:03 CEST on June 1.
    const before = Date.UTC(2024, 4, 31, 21, 59, 50);
    const steps = run(
      [
        [before, 1_000, [ctr('e', '*1', 0, 0)]],
        [before + 8 * S, 1_008, [ctr('e', '*1', 800, 1_600)]],
        [before + 13 * S, 1_013, [ctr('e', '*1', 1_300, 2_600)]],
        [before + 18 * S, 1_018, [ctr('e', '*1', 1_800, 3_600)]],
      ],
      opts,
    );
    expect(steps[1]?.reading.totalDownBytes).toBe(800);
    expect(steps[1]?.state.periodStart).toBe('2024-05-01');
    const crossing = steps[2];
    expect(crossing?.events).toContainEqual({
      kind: 'period-rollover',
      previousPeriodStart: '2024-05-01',
      periodStart: '2024-06-01',
      previousTotalUpBytes: 1_600n,
      previousTotalDownBytes: 800n,
    });
    expect(crossing?.reading).toEqual({ upBps: 200, downBps: 100, totalUpBytes: 1_000, totalDownBytes: 500 });
    expect(last(steps).reading.totalDownBytes).toBe(1_000);
    expect(last(steps).state.periodStart).toBe('2024-06-01');
  });

  it('does not roll over at UTC midnight when local midnight is elsewhere', () => {
    // 2024-06-01 00:00:05Z is 20:00:05 on May 31 in New York.
    const steps = run(
      [
        [Date.UTC(2024, 4, 31, 23, 59, 55), 1_000, [ctr('e', '*1', 0, 0)]],
        [Date.UTC(2024, 5, 1, 0, 0, 5), 1_010, [ctr('e', '*1', 100, 100)]],
        [Date.UTC(2024, 5, 1, 4, 0, 5), 1_010 + 14_400, [ctr('e', '*1', 300, 300)]],
      ],
      { resetDay: 1, timeZone: 'America/New_York' },
    );
    expect(steps[1]?.events.map((e) => e.kind)).not.toContain('period-rollover');
    expect(steps[1]?.reading.totalDownBytes).toBe(100);
    expect(last(steps).events.map((e) => e.kind)).toContain('period-rollover');
    expect(last(steps).reading.totalDownBytes).toBe(200);
  });

  it('rolls over on the first observation after a bridge downtime that spanned the reset day', () => {
    const steps = run(
      [
        [Date.UTC(2024, 1, 27, 12), 1_000, [ctr('e', '*1', 0, 0)]],
        [Date.UTC(2024, 1, 27, 12, 0, 5), 1_005, [ctr('e', '*1', 1_000, 1_000)]],
        // Down from Feb 27 to Mar 2 (2024 is a leap year); the router kept running.
        [Date.UTC(2024, 2, 2, 12), 1_005 + 4 * 86_400, [ctr('e', '*1', 51_000, 71_000)]],
      ],
      { resetDay: 28, timeZone: 'UTC' },
    );
    const step = last(steps);
    expect(step.events).toContainEqual(expect.objectContaining({ kind: 'period-rollover', periodStart: '2024-02-28' }));
    expect(step.reading.totalDownBytes).toBe(50_000);
    expect(step.state.periodStart).toBe('2024-02-28');
  });

  it('rolls over only once when the bridge was down for several periods', () => {
    const steps = run(
      [
        [Date.UTC(2024, 0, 10), 1_000, [ctr('e', '*1', 0, 0)]],
        [Date.UTC(2024, 3, 20), 1_000 + 101 * 86_400, [ctr('e', '*1', 9, 9)]],
      ],
      { resetDay: 5, timeZone: 'UTC' },
    );
    expect(last(steps).events.filter((e) => e.kind === 'period-rollover')).toHaveLength(1);
    expect(last(steps).state.periodStart).toBe('2024-04-05');
    expect(last(steps).reading.totalDownBytes).toBe(9);
  });

  it('rolls over from December into January', () => {
    const steps = run(
      [
        [Date.UTC(2023, 11, 31, 23, 59, 58), 1_000, [ctr('e', '*1', 0, 0)]],
        [Date.UTC(2024, 0, 1, 0, 0, 3), 1_005, [ctr('e', '*1', 10, 10)]],
      ],
      { resetDay: 1, timeZone: 'UTC' },
    );
    expect(steps[0]?.state.periodStart).toBe('2023-12-01');
    expect(last(steps).state.periodStart).toBe('2024-01-01');
  });

  it('does not wipe the totals at once when resetDay moves later in the month; the new day applies next', () => {
    // Saved under resetDay 1: period began May 1. Now configured resetDay 15, on May 20.
    const saved: TrafficState = {
      interfaces: { e: { id: '*1', rx: '0', tx: '0' } },
      totalUpBytes: 5_000n,
      totalDownBytes: 4_000n,
      lastAtMs: Date.UTC(2024, 4, 20, 10),
      lastUptimeS: 1_000,
      periodStart: '2024-05-01',
    };
    const steps = run(
      [
        [Date.UTC(2024, 4, 20, 10, 0, 5), 1_005, [ctr('e', '*1', 100, 100)]],
        [Date.UTC(2024, 5, 15, 0, 0, 1), 1_005 + 26 * 86_400, [ctr('e', '*1', 300, 300)]],
      ],
      { resetDay: 15, timeZone: 'UTC' },
      saved,
    );
    expect(steps[0]?.reading.totalDownBytes).toBe(4_100);
    expect(steps[0]?.state.periodStart).toBe('2024-05-01');
    expect(last(steps).events).toContainEqual(expect.objectContaining({ kind: 'period-rollover', previousPeriodStart: '2024-05-01', periodStart: '2024-06-15' }));
  });

  it('keeps a period that began later than the new resetDay until that day comes round', () => {
    // Saved under resetDay 15 (period began May 15); now resetDay 1, on May 20.
    const saved: TrafficState = {
      interfaces: { e: { id: '*1', rx: '0', tx: '0' } },
      totalUpBytes: 5_000n,
      totalDownBytes: 4_000n,
      lastAtMs: Date.UTC(2024, 4, 20, 10),
      lastUptimeS: 1_000,
      periodStart: '2024-05-15',
    };
    const steps = run(
      [
        [Date.UTC(2024, 4, 31, 23, 59, 59), 1_000 + 11 * 86_400, [ctr('e', '*1', 100, 100)]],
        [Date.UTC(2024, 5, 1, 0, 0, 4), 1_005 + 11 * 86_400, [ctr('e', '*1', 150, 150)]],
      ],
      { resetDay: 1, timeZone: 'UTC' },
      saved,
    );
    expect(steps[0]?.events.map((e) => e.kind)).not.toContain('period-rollover');
    expect(steps[0]?.reading.totalDownBytes).toBe(4_100);
    expect(last(steps).state.periodStart).toBe('2024-06-01');
    expect(last(steps).reading.totalDownBytes).toBe(50);
  });

  it('starts rolling over at the next reset day when resetDay is added to state kept without one', () => {
    const saved: TrafficState = {
      interfaces: { e: { id: '*1', rx: '0', tx: '0' } },
      totalUpBytes: 7n,
      totalDownBytes: 7n,
      lastAtMs: Date.UTC(2024, 4, 20, 10),
      lastUptimeS: 1_000,
      periodStart: '2024-03-10',
    };
    const steps = run(
      [
        [Date.UTC(2024, 4, 20, 10, 0, 5), 1_005, [ctr('e', '*1', 1, 1)]],
        [Date.UTC(2024, 5, 1, 0, 0, 0), 1_005 + 12 * 86_400, [ctr('e', '*1', 2, 2)]],
      ],
      { resetDay: 1, timeZone: 'UTC' },
      saved,
    );
    expect(steps[0]?.reading.totalDownBytes).toBe(8);
    expect(last(steps).reading.totalDownBytes).toBe(1);
    expect(last(steps).state.periodStart).toBe('2024-06-01');
  });

  it('does not roll over when the host clock jumps back across the reset day', () => {
    const steps = run(
      [
        [Date.UTC(2024, 5, 1, 0, 0, 10), 1_000, [ctr('e', '*1', 0, 0)]],
        [Date.UTC(2024, 4, 31, 23, 59, 0), 1_005, [ctr('e', '*1', 10, 10)]],
        [Date.UTC(2024, 4, 31, 23, 59, 5), 1_010, [ctr('e', '*1', 20, 20)]],
      ],
      { resetDay: 1, timeZone: 'UTC' },
    );
    // The period started June 1 on the baseline; the clock going back does not start another one.
    expect(steps.flatMap((s) => s.events).map((e) => e.kind)).not.toContain('period-rollover');
    expect(last(steps).reading.totalDownBytes).toBe(20);
    expect(last(steps).state.periodStart).toBe('2024-06-01');
  });
});
