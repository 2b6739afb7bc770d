import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settlesWithin } from '../../src/time/timers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('settlesWithin', () => {
  it('is true when the work settles first, either way, and leaves no timer', async () => {
    await expect(settlesWithin(Promise.resolve(1), 500)).resolves.toBe(true);
    await expect(settlesWithin(Promise.reject(new Error('x')), 500)).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is false when the wait runs out first', async () => {
    const pending = settlesWithin(new Promise(() => undefined), 500);
    await vi.advanceTimersByTimeAsync(499);
    let done = false;
    void pending.then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toBe(false);
  });
});
