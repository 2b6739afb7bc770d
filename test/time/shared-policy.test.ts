/** Backoff policies shared by value: every router's loops hold the same frozen object. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, sharedPolicy } from '../../src/time/backoff.js';

describe('sharedPolicy', () => {
  it('gives equal values one frozen policy and different values their own, with the values asked for', () => {
    const a = sharedPolicy(5000, 60_000, 0.2);
    expect(sharedPolicy(5000, 60_000, 0.2)).toBe(a);
    expect(a).toEqual({ baseMs: 5000, capMs: 60_000, jitter: 0.2 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(sharedPolicy(10_000, 60_000, 0.2)).not.toBe(a);
    expect(sharedPolicy(5000, 5000, 0)).toEqual({ baseMs: 5000, capMs: 5000, jitter: 0 });
    expect(backoffDelay(3, a, () => 0.5)).toBe(20_000);
  });
});
