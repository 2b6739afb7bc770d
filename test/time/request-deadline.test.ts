import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deadline } from '../../src/probes/deadline.js';
import { Cancellation } from '../../src/time/cancel.js';
import { DeadlineExceeded, RequestDeadline } from '../../src/time/request-deadline.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RequestDeadline', () => {
  it('cancels with DeadlineExceeded when its time has passed, not before', () => {
    const d = new RequestDeadline(1000, undefined);
    vi.advanceTimersByTime(999);
    expect(d.cancel.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(d.timedOut).toBe(true);
    expect(d.cancel.reason).toBeInstanceOf(DeadlineExceeded);
    expect((d.cancel.reason as Error).message).toBe('no answer within 1000 ms');
  });

  it("cancels with the caller's reason when the caller's work is cancelled, and is no timeout", () => {
    const caller = new Cancellation();
    const d = new RequestDeadline(1000, caller.signal);
    const reason = new Error('poll stopped');
    caller.abort(reason);
    expect(d.cancel.aborted).toBe(true);
    expect(d.cancel.reason).toBe(reason);
    vi.advanceTimersByTime(1000);
    expect(d.timedOut).toBe(true);
    expect(d.cancel.reason).toBe(reason);
  });

  it('is cancelled at once when the caller already was, with an AbortError for a reason that is no Error', () => {
    const caller = new Cancellation();
    caller.abort('gone');
    const d = new RequestDeadline(1000, caller.signal);
    expect(d.cancel.aborted).toBe(true);
    expect((d.cancel.reason as Error).name).toBe('AbortError');
    d.dispose();
  });

  it('once disposed holds no timer and no listener on the caller', () => {
    const caller = new Cancellation();
    const d = new RequestDeadline(1000, caller.signal);
    d.dispose();
    expect(vi.getTimerCount()).toBe(0);
    caller.abort();
    expect(d.cancel.aborted).toBe(false);
  });
});

describe('deadline (a probe’s)', () => {
  it('tells a timeout from a caller abort, and a timeout the caller then overtook is none', () => {
    const timed = deadline(new Cancellation().signal, 500);
    vi.advanceTimersByTime(500);
    expect(timed.signal.aborted).toBe(true);
    expect(timed.timedOut()).toBe(true);

    const parent = new Cancellation();
    const overtaken = deadline(parent.signal, 500);
    vi.advanceTimersByTime(500);
    parent.abort();
    expect(overtaken.timedOut()).toBe(false);

    const other = new Cancellation();
    const stopped = deadline(other.signal, 500);
    other.abort();
    expect(stopped.signal.aborted).toBe(true);
    expect(stopped.timedOut()).toBe(false);
    stopped.clear();
    expect(vi.getTimerCount()).toBe(0);
  });
});
