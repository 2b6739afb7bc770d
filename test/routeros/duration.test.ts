import { describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { parseRouterDuration } from '../../src/routeros/duration.js';

describe('parseRouterDuration', () => {
  it.each([
    ['3w2d4h5m6s', 3 * 604_800 + 2 * 86_400 + 4 * 3_600 + 5 * 60 + 6],
    ['41w6d18h4m22s', 41 * 604_800 + 6 * 86_400 + 18 * 3_600 + 4 * 60 + 22],
    ['1w1h10m14s', 604_800 + 3_600 + 600 + 14],
    ['2d20h12m20s', 2 * 86_400 + 20 * 3_600 + 12 * 60 + 20],
    ['1h12m40s', 4_360],
    ['1d', 86_400],
    ['0s', 0],
    ['5m', 300],
    ['2m30s', 150],
    ['5ms', 0.005],
    ['453us', 0.000453],
    ['1ms234us', 0.001234],
    ['56ms639us', 0.056639],
    ['1s12ms', 1.012],
    ['01:02:03', 3_723],
    ['1:02:03', 3_723],
    ['3d01:02:03', 3 * 86_400 + 3_723],
    ['00:00:00', 0],
  ])('%s → %d s', (text, seconds) => {
    expect(parseRouterDuration(text)).toBe(seconds);
  });

  it.each(['', ' ', 'abc', '5', '1h 2m', '5x', 's', '1.5s', '-1s', '1m2h', '01:60:00', '00:00:61', '1:2:3', '3%'])(
    'throws ROUTER_MALFORMED on %j instead of returning 0',
    (text) => {
      let caught: unknown;
      try {
        parseRouterDuration(text);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RouterError);
      expect((caught as RouterError).code).toBe('ROUTER_MALFORMED');
    },
  );
});

describe('absurd durations', () => {
  it('an uptime of 99999999999999999999s is malformed, not a huge number or Infinity', () => {
    expect(() => parseRouterDuration('99999999999999999999s')).toThrow(/not a RouterOS duration/);
    expect(() => parseRouterDuration(`${'9'.repeat(400)}w`)).toThrow(/not a RouterOS duration/);
  });

  it('a long garbage text is not echoed whole', () => {
    const err = (() => {
      try {
        parseRouterDuration('x'.repeat(10_000));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message.length).toBeLessThan(200);
  });
});
