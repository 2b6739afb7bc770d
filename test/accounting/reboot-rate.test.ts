import { describe, expect, it } from 'vitest';
import { bytesPerSecond, MAX_RATE_WINDOW_MS, rateWindowMs } from '../../src/accounting/rate.js';
import { detectReboot, UPTIME_SLACK_S } from '../../src/accounting/reboot.js';

describe('detectReboot', () => {
  const prev = { lastAtMs: 1_000_000, lastUptimeS: 500 };

  it('reports a reboot when uptime went down', () => {
    expect(detectReboot(prev, { atMs: 1_005_000, uptimeS: 499 })).toBe('uptime-decreased');
  });

  it('reports none when uptime grew with the wall clock', () => {
    expect(detectReboot(prev, { atMs: 1_005_000, uptimeS: 505 })).toBeUndefined();
  });

  it('reports a reboot when uptime is shorter than the time since the last observation, beyond the slack', () => {
    const gapS = 10_000;
    const atMs = prev.lastAtMs + gapS * 1000;
    expect(detectReboot(prev, { atMs, uptimeS: gapS - UPTIME_SLACK_S - 1 })).toBe('uptime-below-elapsed');
    expect(detectReboot(prev, { atMs, uptimeS: gapS - UPTIME_SLACK_S })).toBeUndefined();
  });

  it('reports none when the clock went backwards', () => {
    expect(detectReboot(prev, { atMs: 0, uptimeS: 510 })).toBeUndefined();
  });
});

describe('rateWindowMs', () => {
  it('is the elapsed time for an ordinary interval', () => {
    expect(rateWindowMs(5_000)).toBe(5_000);
  });

  it('is undefined for no time, negative time, NaN and gaps over the limit', () => {
    expect(rateWindowMs(0)).toBeUndefined();
    expect(rateWindowMs(-1)).toBeUndefined();
    expect(rateWindowMs(Number.NaN)).toBeUndefined();
    expect(rateWindowMs(MAX_RATE_WINDOW_MS + 1)).toBeUndefined();
    expect(rateWindowMs(MAX_RATE_WINDOW_MS)).toBe(MAX_RATE_WINDOW_MS);
  });

  it('is the uptime after a restart when that is shorter than the interval', () => {
    expect(rateWindowMs(60_000, 20)).toBe(20_000);
    expect(rateWindowMs(10_000, 20)).toBe(10_000);
    expect(rateWindowMs(10_000, 0)).toBe(10_000);
  });
});

describe('bytesPerSecond', () => {
  it('rounds to an integer', () => {
    expect(bytesPerSecond(1_000n, 3_000)).toBe(333);
    expect(bytesPerSecond(5n, 2_000)).toBe(3);
  });

  it('is 0 without a window or without bytes', () => {
    expect(bytesPerSecond(1_000n, undefined)).toBe(0);
    expect(bytesPerSecond(1_000n, 0)).toBe(0);
    expect(bytesPerSecond(0n, 1_000)).toBe(0);
    expect(bytesPerSecond(-5n, 1_000)).toBe(0);
  });

  it('stays finite for a byte count beyond the float range', () => {
    expect(bytesPerSecond(10n ** 400n, 1_000)).toBe(0);
  });
});
