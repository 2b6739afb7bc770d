import { describe, expect, it } from 'vitest';
import { deviceChanged } from '../../src/accounting/device.js';
import { counterDelta, counterEvidence } from '../../src/accounting/interface-delta.js';
import { DEFAULT_MAX_BITS_PER_SECOND, deltaCeilingBytes, isPlausible } from '../../src/accounting/plausibility.js';
import { confirmReboot } from '../../src/accounting/reboot.js';
import { addTotal, isClamped, MAX_TOTAL, sendableTotal } from '../../src/accounting/total.js';
import { advanceTraffic } from '../../src/accounting/traffic.js';
import { deviceIdFromLicense, deviceIdFromRouterboard } from '../../src/collect/device.js';
import { seededRng } from '@tikprobe/sim/prng.js';
import { ctr, last, run, T0, UTC } from './helpers.js';

const S = 1000;
const BIG = 2n ** 70n;

describe('total.ts', () => {
  it('sends totals up to 2^53-1 as they are and clamps above, never falling', () => {
    expect(sendableTotal(0n)).toBe(0);
    expect(sendableTotal(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(sendableTotal(2n ** 53n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(isClamped(2n ** 53n)).toBe(true);
    expect(isClamped(2n ** 53n - 1n)).toBe(false);
    // Monotonic and always a safe integer, over random pairs spanning the whole range.
    const rnd = seededRng(7);
    const big = () => (BigInt(Math.floor(rnd() * 2 ** 32)) << 31n) ^ BigInt(Math.floor(rnd() * 2 ** 31));
    for (let i = 0; i < 2_000; i++) {
      const [a, b] = [big(), big()];
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(sendableTotal(lo) <= sendableTotal(hi) && Number.isSafeInteger(sendableTotal(hi))).toBe(true);
    }
  });

  it('adds exactly and saturates at 2^63-1', () => {
    expect(addTotal(2n ** 60n, 12345n)).toBe(2n ** 60n + 12345n);
    expect(addTotal(MAX_TOTAL - 1n, 5n)).toBe(MAX_TOTAL);
    expect(addTotal(7n, -5n)).toBe(7n);
  });
});

describe('plausibility.ts', () => {
  it('allows the link speed times the elapsed time plus 5 s of slack', () => {
    // 1 Gbit/s for 5 s + 5 s slack = 1.25 GB.
    expect(deltaCeilingBytes(1e9, 5_000)).toBe(1_250_000_000n);
    expect(deltaCeilingBytes(DEFAULT_MAX_BITS_PER_SECOND, 5_000)).toBe(125_000_000_000n);
    expect(deltaCeilingBytes(1e9, -60_000)).toBe(625_000_000n);
    expect(deltaCeilingBytes(Number.NaN, 0)).toBe(deltaCeilingBytes(DEFAULT_MAX_BITS_PER_SECOND, 0));
    expect(isPlausible(1_250_000_000n, 1_250_000_000n)).toBe(true);
    expect(isPlausible(1_250_000_001n, 1_250_000_000n)).toBe(false);
  });
});

describe('device.ts and the device identity collector', () => {
  it('sees a change only between two known identities', () => {
    expect(deviceChanged('serial:A', 'serial:B')).toBe(true);
    expect(deviceChanged('serial:A', 'serial:A')).toBe(false);
    expect(deviceChanged(undefined, 'serial:A')).toBe(false);
    expect(deviceChanged('serial:A', undefined)).toBe(false);
  });

  it('reads the routerboard serial, else the license software-id or system-id, bounded and printable', () => {
    expect(deviceIdFromRouterboard({ routerboard: 'true', 'serial-number': '123456789' })).toBe('serial:123456789');
    expect(deviceIdFromRouterboard({ routerboard: 'false' })).toBeUndefined();
    expect(deviceIdFromRouterboard({ routerboard: 'true', 'serial-number': 'x'.repeat(101) })).toBeUndefined();
    expect(deviceIdFromLicense({ 'software-id': 'ABCD-1234' })).toBe('software-id:ABCD-1234');
    expect(deviceIdFromLicense([{ 'system-id': 'q1w2e3' }])).toBe('system-id:q1w2e3');
    expect(deviceIdFromLicense({ 'software-id': 'a b' })).toBeUndefined();
    expect(deviceIdFromLicense('nonsense')).toBeUndefined();
  });
});

describe('reboot confirmation', () => {
  it('takes an uptime drop for a reboot only when a counter fell or nothing can be compared', () => {
    expect(confirmReboot(undefined, { fell: true, comparable: 1 })).toBeUndefined();
    expect(confirmReboot('uptime-decreased', { fell: true, comparable: 2 })).toBe('reboot');
    expect(confirmReboot('uptime-decreased', { fell: false, comparable: 0 })).toBe('reboot');
    expect(confirmReboot('uptime-decreased', { fell: false, comparable: 2 })).toBe('glitch');
    expect(confirmReboot('uptime-below-elapsed', { fell: false, comparable: 2 })).toBe('reboot');
  });

  it('compares only interfaces that kept their id', () => {
    const prev = { a: { id: '*1', rx: '100', tx: '100' }, b: { id: '*2', rx: '100', tx: '100' } };
    expect(counterEvidence(prev, [ctr('a', '*1', 150, 150), ctr('b', '*9', 1, 1)])).toEqual({ fell: false, comparable: 1 });
    expect(counterEvidence(prev, [ctr('a', '*1', 150, 99)])).toEqual({ fell: true, comparable: 1 });
  });
});

describe('counterDelta', () => {
  const prev = { id: '*1', rx: '1000000000000', tx: '500' };
  it('continues the delta for a new id whose counters did not restart (never adds the history)', () => {
    expect(counterDelta(prev, ctr('x', '*2', 1_000_000_000_100n, 600n), false, BIG)).toEqual({ rx: 100n, tx: 100n, change: 'recreated' });
    expect(counterDelta(prev, ctr('x', '*2', 40n, 600n), false, BIG)).toEqual({ rx: 40n, tx: 600n, change: 'recreated' });
  });

  it('refuses a step above the ceiling: a reset whose new value is not near zero, a jump', () => {
    // 100 MB lower than before: read as a reset, the whole counter would be added.
    expect(counterDelta(prev, ctr('x', '*1', 999_900_000_000n, 600n), false, 125_000_000_000n)).toEqual({ rx: 0n, tx: 0n, change: 'implausible' });
    expect(counterDelta(prev, ctr('x', '*1', 2n ** 63n, 600n), false, 125_000_000_000n).change).toBe('implausible');
    expect(counterDelta(prev, ctr('x', '*1', 1_000_000_000_100n, 600n), false, 125_000_000_000n)).toEqual({ rx: 100n, tx: 100n, change: 'normal' });
  });
});

describe('advanceTraffic: the issue scenarios', () => {
  it('a different device at the address: new baseline, totals kept, no rate spike', () => {
    const steps = [
      advanceTraffic(undefined, { atMs: T0, uptimeS: 1_000, counters: [ctr('e', '*1', 1_000, 1_000)], deviceId: 'serial:A' }, UTC),
    ];
    steps.push(advanceTraffic(steps[0]!.state, { atMs: T0 + 5 * S, uptimeS: 1_005, counters: [ctr('e', '*1', 6_000, 2_000)], deviceId: 'serial:A' }, UTC));
    steps.push(advanceTraffic(steps[1]!.state, { atMs: T0 + 10 * S, uptimeS: 30, counters: [ctr('e', '*1', 48n * 10n ** 12n, 10n ** 12n)], deviceId: 'serial:B' }, UTC));
    const swapped = steps[2]!;
    expect(swapped.events[0]).toEqual({ kind: 'device-changed', previousDeviceId: 'serial:A', deviceId: 'serial:B' });
    expect(swapped.reading).toEqual({ upBps: 0, downBps: 0, totalUpBytes: 1_000, totalDownBytes: 5_000 });
    expect(swapped.state.deviceId).toBe('serial:B');
    expect(swapped.shapeChanged).toBe(true);
    const next = advanceTraffic(swapped.state, { atMs: T0 + 15 * S, uptimeS: 35, counters: [ctr('e', '*1', 48n * 10n ** 12n + 500n, 10n ** 12n)], deviceId: 'serial:B' }, UTC);
    expect(next.reading.totalDownBytes).toBe(5_500);
  });

  it('an uptime drop while the counters keep counting is a glitch: the deltas continue', () => {
    const steps = run([
      [T0, 90_000, [ctr('e', '*1', 10n ** 11n, 10n ** 11n)]],
      [T0 + 5 * S, 12, [ctr('e', '*1', 10n ** 11n + 4_000n, 10n ** 11n + 1_000n)]],
    ]);
    expect(last(steps).events.map((e) => e.kind)).toEqual(['uptime-glitch']);
    expect(last(steps).reading).toMatchObject({ totalDownBytes: 4_000, totalUpBytes: 1_000, downBps: 800 });
    expect(last(steps).shapeChanged).toBe(false);
  });

  it('a counter jump above the link speed is a new baseline; counting goes on from the new value', () => {
    const steps = run(
      [
        [T0, 1_000, [ctr('e', '*1', 1_000, 1_000)]],
        [T0 + 5 * S, 1_005, [ctr('e', '*1', 2n ** 64n - 1n, 1_000)]],
        [T0 + 10 * S, 1_010, [ctr('e', '*1', 2n ** 64n - 1n, 3_000)]],
      ],
      { ...UTC, linkBitsPerSecond: { e: 1e9 } },
    );
    expect(steps[1]!.events).toEqual([{ kind: 'implausible', interface: 'e', rxBytes: String(2n ** 64n - 1n - 1_000n), txBytes: '0', ceilingBytes: '1250000000' }]);
    expect(steps[1]!.reading.totalDownBytes).toBe(0);
    expect(last(steps).reading).toMatchObject({ totalDownBytes: 0, totalUpBytes: 2_000 });
  });

  it('records the first identity and persists it at once', () => {
    const a = advanceTraffic(undefined, { atMs: T0, uptimeS: 1, counters: [] }, UTC);
    const b = advanceTraffic(a.state, { atMs: T0 + S, uptimeS: 2, counters: [], deviceId: 'serial:A' }, UTC);
    expect(b.state.deviceId).toBe('serial:A');
    expect(b.shapeChanged).toBe(true);
    const c = advanceTraffic(b.state, { atMs: T0 + 2 * S, uptimeS: 3, counters: [] }, UTC);
    expect(c.state.deviceId).toBe('serial:A');
    expect(c.shapeChanged).toBe(false);
  });
});
