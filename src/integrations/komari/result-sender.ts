/**
 * Posts one result, retrying a failed post a few times with exponential backoff. The result
 * is sent unchanged each time: its `finished_at` stays the moment the probe finished.
 */
import { TikprobeError } from '../../errors.js';
import { type Clock, systemClock } from '../../time/timers.js';
import type { PingResult, PingTaskSource } from './task-source.js';
import { abortReason, type CancelSignal } from '../../time/cancel.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry; doubled for each further one. */
  baseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 1000 };

export type SendOutcome = { ok: true; attempts: number } | { ok: false; attempts: number; error: unknown };

/** The timers a retry waits on. */
export type RetryTimers = Pick<Clock, 'setTimeout' | 'clearTimeout'>;

function sleep(ms: number, signal: CancelSignal, timers: RetryTimers): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      timers.clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** An error that retrying cannot fix (Komari refused the payload or the token). */
function isFinal(err: unknown): boolean {
  return err instanceof TikprobeError && !err.retryable;
}

/** Resolves with the outcome; rejects only when `signal` aborts. */
export async function sendWithRetry(
  source: PingTaskSource,
  result: PingResult,
  signal: CancelSignal,
  policy: RetryPolicy = DEFAULT_RETRY,
  timers: RetryTimers = systemClock,
): Promise<SendOutcome> {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      await source.sendResult(result, signal);
      return { ok: true, attempts };
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (attempts > policy.retries || isFinal(error)) return { ok: false, attempts, error };
    }
    await sleep(policy.baseMs * 2 ** (attempts - 1), signal, timers);
  }
}
