/**
 * A signal that aborts when the caller's signal does or when `ms` have passed, telling the
 * two apart: a timeout is a measured loss, a caller abort (shutdown, task removed) is no
 * measurement at all. Built on `setTimeout` so fake timers drive it in tests.
 */
import { abortReason, Cancellation, type CancelSignal } from '../time/cancel.js';

export interface Deadline {
  signal: CancelSignal;
  /** True when the deadline, not the caller, aborted the signal. */
  timedOut(): boolean;
  /** Releases the timer and the listener on the caller's signal. */
  clear(): void;
}

export class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

export function deadline(parent: CancelSignal, ms: number): Deadline {
  const controller = new Cancellation();
  let expired = false;
  const onParentAbort = () => controller.abort(parent.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DeadlineExceeded(ms));
  }, ms);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired && !parent.aborted,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
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
