import { seededRng } from '@tikprobe/sim/prng.js';
import { describe, expect, it } from 'vitest';
import { Cancellation } from '../../src/time/cancel.js';

describe('Cancellation', () => {
  it('runs each listener once, in the order added, and keeps the first reason', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    cancel.addEventListener('abort', () => calls.push('a'));
    cancel.addEventListener('abort', () => calls.push('b'));
    cancel.addEventListener('abort', () => calls.push('c'));
    const first = new Error('timeout');
    cancel.abort(first);
    cancel.abort(new Error('aborted'));
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(cancel.aborted).toBe(true);
    expect(cancel.reason).toBe(first);
    expect(cancel.signal).toBe(cancel);
  });

  it('without a reason, aborts with an AbortError as AbortController does', () => {
    const cancel = new Cancellation();
    const controller = new AbortController();
    cancel.abort();
    controller.abort();
    expect(cancel.reason).toBeInstanceOf(Error);
    expect((cancel.reason as Error).name).toBe('AbortError');
    expect((cancel.reason as Error).name).toBe((controller.signal.reason as Error).name);
  });

  it('a removed listener is not called, wherever it was in the list; removing an unknown one changes nothing', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    const c = () => calls.push('c');
    cancel.addEventListener('abort', a);
    cancel.addEventListener('abort', b);
    cancel.addEventListener('abort', c);
    cancel.removeEventListener('abort', () => {});
    cancel.removeEventListener('abort', b);
    cancel.removeEventListener('abort', a);
    cancel.abort(new Error('stop'));
    expect(calls).toEqual(['c']);
  });

  it('a listener added after the abort is never called', () => {
    const cancel = new Cancellation();
    cancel.abort(new Error('stop'));
    let called = false;
    cancel.addEventListener('abort', () => {
      called = true;
    });
    cancel.abort(new Error('again'));
    expect(called).toBe(false);
  });

  it('a listener that throws does not stop the others; its error is thrown once all have run', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    const boom = new Error('listener bug');
    cancel.addEventListener('abort', () => {
      calls.push('a');
      throw boom;
    });
    cancel.addEventListener('abort', () => calls.push('b'));
    expect(() => cancel.abort(new Error('stop'))).toThrow(boom);
    expect(calls).toEqual(['a', 'b']);
    expect(cancel.aborted).toBe(true);
  });

  it('calls the same listeners as an AbortSignal for any sequence of adds, removes and aborts (generated)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = seededRng(seed);
      const ours = new Cancellation();
      const theirs = new AbortController();
      const oursCalls: number[] = [];
      const theirsCalls: number[] = [];
      // The same listener function may be added twice: an EventTarget keeps it once.
      const pool = Array.from({ length: 4 }, (_, i) => ({ ours: () => oursCalls.push(i), theirs: () => theirsCalls.push(i) }));
      const steps = 1 + Math.floor(rng() * 12);
      for (let s = 0; s < steps; s++) {
        const op = rng();
        const l = pool[Math.floor(rng() * pool.length)] ?? pool[0];
        if (l === undefined) throw new Error('empty pool');
        if (op < 0.5) {
          ours.addEventListener('abort', l.ours);
          theirs.signal.addEventListener('abort', l.theirs, { once: true });
        } else if (op < 0.85) {
          ours.removeEventListener('abort', l.ours);
          theirs.signal.removeEventListener('abort', l.theirs);
        } else {
          const reason = new Error(`abort ${s}`);
          ours.abort(reason);
          theirs.abort(reason);
        }
        expect(ours.aborted, `seed ${seed} step ${s}`).toBe(theirs.signal.aborted);
        expect(oursCalls, `seed ${seed} step ${s}`).toEqual(theirsCalls);
        expect(ours.reason).toBe(theirs.signal.reason);
      }
    }
  });
});
