import { describe, expect, it } from 'vitest';
import { LOSS, parseRttMs, resultValue } from '../../src/probes/rtt.js';

describe('parseRttMs', () => {
  it.each([
    ['453us', 0.453],
    ['1ms234us', 1.234],
    ['12ms', 12],
    ['56ms639us', 56.639],
    ['614ms933us', 614.933],
    ['1s12ms', 1012],
    ['0s', 0],
    ['2m30s', 150_000],
    ['5ms', 5],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseRttMs(text)).toBe(ms);
  });

  it.each(['', '12', 'ms', '1.5ms', '12 ms', '-1ms', '453µs', 'timeout'])('throws on %j instead of returning 0', (text) => {
    expect(() => parseRttMs(text)).toThrow(/not a RouterOS duration/);
  });
});

describe('resultValue', () => {
  it('truncates to whole milliseconds, as the official Komari agent (Duration.Milliseconds)', () => {
    expect(resultValue(12.4)).toBe(12);
    expect(resultValue(12.5)).toBe(12);
    expect(resultValue(12.999)).toBe(12);
    expect(resultValue(461.7)).toBe(461);
    expect(resultValue(1)).toBe(1);
  });

  it('sends 1 for sub-millisecond replies, because Komari leaves 0 out of its minimum', () => {
    expect(resultValue(0.453)).toBe(1);
    expect(resultValue(0)).toBe(1);
    expect(resultValue(0.5)).toBe(1);
    expect(resultValue(0.999)).toBe(1);
  });

  it('sends -1 for a loss and for impossible values', () => {
    expect(resultValue(undefined)).toBe(LOSS);
    expect(resultValue(Number.NaN)).toBe(-1);
    expect(resultValue(-3)).toBe(-1);
    expect(resultValue(Number.POSITIVE_INFINITY)).toBe(-1);
  });
});
