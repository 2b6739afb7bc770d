import { describe, expect, it } from 'vitest';
import { advanceTraffic } from '../../src/accounting/traffic.js';
import { ctr, last, roundTrip, run, T0, UTC } from './helpers.js';

const S = 1000;

describe('advanceTraffic', () => {
  it('takes a baseline on the first observation: totals 0, rates 0, counters kept', () => {
    const step = advanceTraffic(undefined, { atMs: T0, uptimeS: 1000, counters: [ctr('ether1', '*1', 5_000, 7_000)] }, UTC);
    expect(step.reading).toEqual({ upBps: 0, downBps: 0, totalUpBytes: 0, totalDownBytes: 0 });
    expect(step.state).toEqual({
      interfaces: { ether1: { id: '*1', rx: '5000', tx: '7000' } },
      totalUpBytes: 0n,
      totalDownBytes: 0n,
      lastAtMs: T0,
      lastUptimeS: 1000,
      periodStart: '2024-05-10',
      lastEvent: { kind: 'baseline', atMs: T0 },
    });
    expect(step.events).toEqual([{ kind: 'baseline', interfaces: ['ether1'] }]);
  });

  it('counts up as transmit and down as receive, summed over interfaces, with rates per second', () => {
    const steps = run([
      [T0, 1000, [ctr('ether1', '*1', 1_000, 2_000), ctr('pppoe-out1', '*A', 10, 20)]],
      [T0 + 5 * S, 1005, [ctr('ether1', '*1', 6_000, 12_000), ctr('pppoe-out1', '*A', 510, 2_520)]],
    ]);
    const r = last(steps).reading;
    expect(r.totalDownBytes).toBe(5_000 + 500);
    expect(r.totalUpBytes).toBe(10_000 + 2_500);
    expect(r.downBps).toBe(1_100);
    expect(r.upBps).toBe(2_500);
    expect(last(steps).events).toEqual([]);
  });

  it('subtracts with bigint precision beyond 2^53 and adds the exact delta', () => {
    const big = 2n ** 60n;
    const steps = run([
      [T0, 1000, [ctr('ether1', '*1', big, big)]],
      [T0 + 5 * S, 1005, [ctr('ether1', '*1', big + 12_345n, big + 1n)]],
    ]);
    expect(last(steps).reading.totalDownBytes).toBe(12_345);
    expect(last(steps).reading.totalUpBytes).toBe(1);
    expect(last(steps).state.interfaces.ether1).toEqual({ id: '*1', rx: (big + 12_345n).toString(), tx: (big + 1n).toString() });
  });

  it('rounds rates to whole bytes per second', () => {
    const steps = run([
      [T0, 1000, [ctr('e', '*1', 0, 0)]],
      [T0 + 3 * S, 1003, [ctr('e', '*1', 10, 11)]],
    ]);
    expect(last(steps).reading.downBps).toBe(3); // 3.33
    expect(last(steps).reading.upBps).toBe(4); // 3.67
  });

  it('takes the new counter value as the delta after a reboot (uptime went down)', () => {
    const steps = run([
      [T0, 90_000, [ctr('ether1', '*1', 1_000_000, 2_000_000)]],
      [T0 + 60 * S, 40, [ctr('ether1', '*1', 3_000, 4_000)]],
    ]);
    const step = last(steps);
    expect(step.reading.totalDownBytes).toBe(3_000);
    expect(step.reading.totalUpBytes).toBe(4_000);
    // The restarted counters cover the 40 s of uptime, not the 60 s gap.
    expect(step.reading.downBps).toBe(75);
    expect(step.events).toContainEqual({ kind: 'reboot', signal: 'uptime-decreased', uptimeS: 40, previousUptimeS: 90_000, elapsedMs: 60_000 });
  });

  it('detects a reboot while the bridge was down although uptime has grown past the old value', () => {
    // Last seen at uptime 600 s; bridge down for a day; the router rebooted 2 h ago.
    const steps = run([
      [T0, 600, [ctr('ether1', '*1', 500_000, 900_000)]],
      [T0 + 86_400 * S, 7_200, [ctr('ether1', '*1', 800_000, 1_000_000)]],
    ]);
    const step = last(steps);
    expect(step.events.map((e) => e.kind)).toContain('reboot');
    expect(step.events).toContainEqual(expect.objectContaining({ kind: 'reboot', signal: 'uptime-below-elapsed' }));
    // Everything since the reboot is new traffic (a plain subtraction would count only 300 000).
    expect(step.reading.totalDownBytes).toBe(800_000);
    expect(step.reading.totalUpBytes).toBe(1_000_000);
  });

  it('counts the traffic of a bridge downtime when the router did not reboot', () => {
    const steps = run([
      [T0, 5_000, [ctr('ether1', '*1', 1_000, 1_000)]],
      [T0 + 3_600 * S, 5_000 + 3_600, [ctr('ether1', '*1', 9_001_000, 4_001_000)]],
    ]);
    const step = last(steps);
    expect(step.events.map((e) => e.kind)).not.toContain('reboot');
    expect(step.reading.totalDownBytes).toBe(9_000_000);
    expect(step.reading.totalUpBytes).toBe(4_000_000);
  });

  it('does not mistake a host clock jump forward for a reboot while the router has been up longer', () => {
    // A host without a real-time clock: NTP moves the clock 1 h forward between two polls.
    const steps = run([
      [T0, 50_000, [ctr('ether1', '*1', 1_000_000, 1_000_000)]],
      [T0 + 3_605 * S, 50_005, [ctr('ether1', '*1', 1_000_500, 1_000_700)]],
    ]);
    const step = last(steps);
    expect(step.events.map((e) => e.kind)).not.toContain('reboot');
    expect(step.reading.totalDownBytes).toBe(500);
    expect(step.reading.totalUpBytes).toBe(700);
  });

  it('continues after a bridge restart from state loaded from disk (JSON round trip)', () => {
    const first = run([
      [T0, 1_000, [ctr('ether1', '*1', 1_000, 1_000)]],
      [T0 + 5 * S, 1_005, [ctr('ether1', '*1', 2_000, 3_000)]],
    ]);
    const persisted = roundTrip(last(first).state);
    const after = advanceTraffic(persisted, { atMs: T0 + 600 * S, uptimeS: 1_600, counters: [ctr('ether1', '*1', 50_000, 70_000)] }, UTC);
    expect(after.reading.totalDownBytes).toBe(1_000 + 48_000);
    expect(after.reading.totalUpBytes).toBe(2_000 + 67_000);
  });

  it('takes the new value on a counter decrease without a reboot (reset-counters), never a negative delta', () => {
    const steps = run([
      [T0, 1_000, [ctr('ether1', '*1', 1_000_000, 2_000_000)]],
      [T0 + 5 * S, 1_005, [ctr('ether1', '*1', 700, 900)]],
    ]);
    const step = last(steps);
    expect(step.reading.totalDownBytes).toBe(700);
    expect(step.reading.totalUpBytes).toBe(900);
    expect(step.reading.downBps).toBe(140);
    expect(step.events).toEqual([{ kind: 'counter-reset', interface: 'ether1' }]);
  });

  it('treats the two directions separately when only one counter went down', () => {
    const steps = run([
      [T0, 1_000, [ctr('ether1', '*1', 1_000_000, 2_000)]],
      [T0 + 5 * S, 1_005, [ctr('ether1', '*1', 300, 2_500)]],
    ]);
    expect(last(steps).reading.totalDownBytes).toBe(300);
    expect(last(steps).reading.totalUpBytes).toBe(500);
  });

  it('takes the new value when an interface is re-created under the same name with a new id', () => {
    const steps = run([
      [T0, 1_000, [ctr('pppoe-out1', '*A', 5_000_000, 6_000_000)]],
      [T0 + 5 * S, 1_005, [ctr('pppoe-out1', '*B', 10_000_000, 20)]],
    ]);
    const step = last(steps);
    // Even though rx is higher than before: the new interface counted from 0.
    expect(step.reading.totalDownBytes).toBe(10_000_000);
    expect(step.reading.totalUpBytes).toBe(20);
    expect(step.events).toEqual([{ kind: 'interface-recreated', interface: 'pppoe-out1', previousId: '*A', id: '*B' }]);
    expect(step.state.interfaces['pppoe-out1']?.id).toBe('*B');
  });

  it('keeps a missing interface and counts the traffic in between when it returns with the same id', () => {
    const steps = run([
      [T0, 1_000, [ctr('ether1', '*1', 100, 100), ctr('pppoe-out1', '*A', 1_000, 1_000)]],
      [T0 + 5 * S, 1_005, [ctr('ether1', '*1', 200, 300)]],
      [T0 + 10 * S, 1_010, [ctr('ether1', '*1', 300, 500), ctr('pppoe-out1', '*A', 4_000, 9_000)]],
    ]);
    expect(steps[1]?.state.interfaces['pppoe-out1']).toEqual({ id: '*A', rx: '1000', tx: '1000' });
    const r = last(steps).reading;
    expect(r.totalDownBytes).toBe(200 + 3_000);
    expect(r.totalUpBytes).toBe(400 + 8_000);
  });

  it('takes the new value when a missing interface returns with a new id', () => {
    const steps = run([
      [T0, 1_000, [ctr('pppoe-out1', '*A', 1_000_000, 1_000_000)]],
      [T0 + 5 * S, 1_005, []],
      [T0 + 10 * S, 1_010, [ctr('pppoe-out1', '*C', 3_000, 4_000)]],
    ]);
    expect(last(steps).reading.totalDownBytes).toBe(3_000);
    expect(last(steps).reading.totalUpBytes).toBe(4_000);
  });

  it('counts a missing interface from 0 when the router rebooted while it was missing', () => {
    const steps = run([
      // ether1's counters fell: the uptime drop is a reboot, not a glitch.
      [T0, 90_000, [ctr('ether1', '*1', 1_000, 1_000), ctr('pppoe-out1', '*A', 1_000_000, 1_000_000)]],
      [T0 + 60 * S, 30, [ctr('ether1', '*1', 20, 20)]],
      // Same id after the reboot, counter above the old value's 0 restart: all of it is new.
      [T0 + 65 * S, 35, [ctr('ether1', '*1', 20, 20), ctr('pppoe-out1', '*A', 5_000, 6_000)]],
    ]);
    expect(steps[1]?.state.interfaces['pppoe-out1']).toEqual({ id: '*A', rx: '0', tx: '0' });
    expect(last(steps).reading.totalDownBytes).toBe(20 + 5_000);
    expect(last(steps).reading.totalUpBytes).toBe(20 + 6_000);
  });

  it('takes a baseline for an interface first seen while others already have state', () => {
    const steps = run([
      [T0, 1_000, [ctr('ether1', '*1', 100, 100)]],
      [T0 + 5 * S, 1_005, [ctr('ether1', '*1', 200, 200), ctr('lte1', '*9', 9_000_000, 9_000_000)]],
      [T0 + 10 * S, 1_010, [ctr('ether1', '*1', 300, 300), ctr('lte1', '*9', 9_000_050, 9_000_070)]],
    ]);
    expect(steps[1]?.reading.totalDownBytes).toBe(100);
    expect(steps[1]?.events).toEqual([{ kind: 'interface-added', interface: 'lte1' }]);
    expect(last(steps).reading.totalDownBytes).toBe(200 + 50);
    expect(last(steps).reading.totalUpBytes).toBe(200 + 70);
  });

  it('takes a baseline for a new interface even in the interval of a reboot', () => {
    const steps = run([
      [T0, 90_000, [ctr('ether1', '*1', 100, 100)]],
      [T0 + 60 * S, 30, [ctr('ether1', '*1', 10, 10), ctr('lte1', '*9', 5_000, 5_000)]],
    ]);
    expect(last(steps).reading.totalDownBytes).toBe(10);
  });

  it('measures a duplicate interface name only once', () => {
    const steps = run([
      [T0, 1_000, [ctr('ether1', '*1', 100, 100)]],
      [T0 + 5 * S, 1_005, [ctr('ether1', '*1', 200, 200), ctr('ether1', '*1', 200, 200)]],
    ]);
    expect(last(steps).reading.totalDownBytes).toBe(100);
  });

  it('keeps an interface named __proto__ as a plain entry', () => {
    const steps = run([
      [T0, 1_000, [ctr('__proto__', '*1', 100, 100)]],
      [T0 + 5 * S, 1_005, [ctr('__proto__', '*1', 150, 100)]],
    ]);
    expect(Object.keys(last(steps).state.interfaces)).toEqual(['__proto__']);
    expect(last(steps).reading.totalDownBytes).toBe(50);
  });

  it('clamps a negative counter from a faulty reading to 0 and stores digits only', () => {
    const steps = run([
      [T0, 1_000, [ctr('ether1', '*1', 100, 100)]],
      [T0 + 5 * S, 1_005, [ctr('ether1', '*1', -5, 150)]],
    ]);
    expect(last(steps).state.interfaces.ether1).toEqual({ id: '*1', rx: '0', tx: '150' });
    expect(last(steps).reading.totalDownBytes).toBe(0);
  });

  describe('rates', () => {
    it('are 0 when no time passed', () => {
      const steps = run([
        [T0, 1_000, [ctr('e', '*1', 0, 0)]],
        [T0, 1_000, [ctr('e', '*1', 500, 500)]],
      ]);
      expect(last(steps).reading).toMatchObject({ upBps: 0, downBps: 0, totalUpBytes: 500 });
      expect(last(steps).events).toContainEqual({ kind: 'rate-suppressed', reason: 'no-time-passed', elapsedMs: 0 });
    });

    it('are 0 when the host clock went backwards, while the traffic is still counted', () => {
      const steps = run([
        [T0, 1_000, [ctr('e', '*1', 0, 0)]],
        [T0 - 10 * S, 1_005, [ctr('e', '*1', 500, 600)]],
      ]);
      expect(last(steps).reading).toEqual({ upBps: 0, downBps: 0, totalUpBytes: 600, totalDownBytes: 500 });
      expect(last(steps).events).toContainEqual({ kind: 'rate-suppressed', reason: 'clock-backwards', elapsedMs: -10_000 });
      expect(last(steps).state.lastAtMs).toBe(T0 - 10 * S);
    });

    it('are 0 for an interval longer than 5 minutes, while the totals count the traffic', () => {
      const steps = run([
        [T0, 1_000, [ctr('e', '*1', 0, 0)]],
        [T0 + 301 * S, 1_301, [ctr('e', '*1', 301_000, 602_000)]],
      ]);
      expect(last(steps).reading).toEqual({ upBps: 0, downBps: 0, totalUpBytes: 602_000, totalDownBytes: 301_000 });
      expect(last(steps).events).toContainEqual({ kind: 'rate-suppressed', reason: 'long-gap', elapsedMs: 301_000 });
    });

    it('are reported for an interval of exactly 5 minutes', () => {
      const steps = run([
        [T0, 1_000, [ctr('e', '*1', 0, 0)]],
        [T0 + 300 * S, 1_300, [ctr('e', '*1', 300_000, 600_000)]],
      ]);
      expect(last(steps).reading).toMatchObject({ upBps: 2_000, downBps: 1_000 });
    });

    it('are never NaN or Infinity for odd inputs', () => {
      const steps = run([
        [T0, 1_000, [ctr('e', '*1', 0, 0)]],
        [T0 + 1, 0, [ctr('e', '*1', 10n ** 30n, 10n ** 30n)]],
      ]);
      const r = last(steps).reading;
      for (const v of [r.upBps, r.downBps]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
      }
    });
  });

  describe('without resetDay', () => {
    it('never restarts the totals, across month ends', () => {
      const steps = run([
        [Date.UTC(2024, 0, 31, 23, 59, 55), 1_000, [ctr('e', '*1', 0, 0)]],
        [Date.UTC(2024, 1, 1, 0, 0, 0), 1_005, [ctr('e', '*1', 100, 100)]],
        [Date.UTC(2024, 2, 1, 0, 0, 0), 1_005 + 29 * 86_400, [ctr('e', '*1', 300, 300)]],
      ]);
      expect(last(steps).reading.totalDownBytes).toBe(300);
      expect(last(steps).state.periodStart).toBe('2024-01-31');
      expect(steps.flatMap((s) => s.events).map((e) => e.kind)).not.toContain('period-rollover');
    });
  });
});
