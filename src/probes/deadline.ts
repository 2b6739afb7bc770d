/**
 * A signal that aborts when the caller's signal does or when `ms` have passed, telling the
 * two apart: a timeout is a measured loss, a caller abort (shutdown, task removed) is no
 * measurement at all. Built on `setTimeout` so fake timers drive it in tests.
 */
import { abortReason, type CancelSignal } from '../time/cancel.js';
import { RequestDeadline } from '../time/request-deadline.js';

export interface Deadline {
  signal: CancelSignal;
  /** True when the deadline, not the caller, aborted the signal. */
  timedOut(): boolean;
  /** Releases the timer and the listener on the caller's signal. */
  clear(): void;
}

/** A deadline of `ms` on the caller's work: the request deadline, seen from a probe. */
export function deadline(parent: CancelSignal, ms: number): Deadline {
  const d = new RequestDeadline(ms, parent);
  return {
    signal: d.cancel.signal,
    // A timeout the caller's own abort then overtook is no measurement either.
    timedOut: () => d.timedOut && !parent.aborted,
    clear: () => d.dispose(),
  };
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts, whichever is first: shutdown
 * never waits on a probe that ignores its signal. A late outcome of `work` is dropped.
 */
export function untilAborted<T>(work: Promise<T>, signal: CancelSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
