/** One `now` function per clock, shared by every router's parts, reading the clock each call. */
import { describe, expect, it } from 'vitest';
import { type Clock, nowOf } from '../../src/time/timers.js';

function fakeClock(start: number): Clock & { t: number } {
  return {
    t: start,
    now() {
      return this.t;
    },
    setTimeout: () => undefined,
    clearTimeout: () => undefined,
  };
}

describe('nowOf', () => {
  it('gives every caller of one clock the same function, which reads that clock now', () => {
    const a = fakeClock(1000);
    const b = fakeClock(5);
    const now = nowOf(a);
    expect(nowOf(a)).toBe(now);
    expect(nowOf(b)).not.toBe(now);
    expect(now()).toBe(1000);
    a.t = 2500;
    expect(now()).toBe(2500);
    expect(nowOf(b)()).toBe(5);
  });
});
