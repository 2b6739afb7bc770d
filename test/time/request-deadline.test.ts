import { describe, expect, it } from 'vitest';
import { RequestCancel } from '../../src/time/request-deadline.js';

describe('RequestCancel', () => {
  it('calls the registered listener once, with the first reason kept', () => {
    const cancel = new RequestCancel();
    let calls = 0;
    cancel.addEventListener('abort', () => {
      calls += 1;
    });
    const first = new Error('timeout');
    cancel.abort(first);
    cancel.abort(new Error('aborted'));
    expect(calls).toBe(1);
    expect(cancel.aborted).toBe(true);
    expect(cancel.reason).toBe(first);
  });

  it('a removed listener is not called; removing another listener keeps it', () => {
    const cancel = new RequestCancel();
    let calls = 0;
    const listener = () => {
      calls += 1;
    };
    cancel.addEventListener('abort', listener);
    cancel.removeEventListener('abort', () => {});
    cancel.removeEventListener('abort', listener);
    cancel.abort(new Error('timeout'));
    expect(calls).toBe(0);
    expect(cancel.aborted).toBe(true);
  });
});
