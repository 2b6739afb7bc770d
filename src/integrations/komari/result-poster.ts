/**
 * Posts one router's ping results in the background (retries must not hold a task's slot),
 * at most MAX_POSTS_IN_FLIGHT at a time: a result beyond that is dropped and counted, said
 * once when dropping starts and once when posts keep up again — never a line per result.
 */
import { setMaxListeners } from 'node:events';
import { errorCode, errorMessage } from '../../errors.js';
import type { FleetLines } from '../../fleet-lines.js';
import type { Logger } from '../../log.js';
import { OnceLog } from '../../once-log.js';
import { systemClock } from '../../time/timers.js';
import { DEFAULT_RETRY, type RetryPolicy, type RetryTimers, sendWithRetry } from './result-sender.js';
import type { PingResult, PingTaskSource } from './task-source.js';

/** Result posts in flight per router. */
export const MAX_POSTS_IN_FLIGHT = 16;

/** Where a result's delivery stands, updated in place for status views. */
export interface Delivery {
  delivery: 'sending' | 'sent' | 'failed';
}

export class ResultPoster {
  private readonly inflight = new Set<Promise<void>>();
  private dropped = 0;
  private readonly once: OnceLog;

  constructor(
    private readonly source: PingTaskSource,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly timers: RetryTimers = systemClock,
    lines?: FleetLines,
  ) {
    this.once = new OnceLog(log, lines);
    // Each post in flight listens on the stop signal once (its request, or its wait before a
    // retry): bounded by MAX_POSTS_IN_FLIGHT, so Node's default of 10 would be a false leak warning.
    setMaxListeners(MAX_POSTS_IN_FLIGHT + 1, signal);
  }

  /** Starts posting `result` unless MAX_POSTS_IN_FLIGHT are already in flight (then it is dropped). */
  post(result: PingResult, status: Delivery): void {
    if (this.inflight.size >= MAX_POSTS_IN_FLIGHT) {
      status.delivery = 'failed';
      if (this.dropped++ === 0) {
        this.log.warn({ inFlight: this.inflight.size }, `${MAX_POSTS_IN_FLIGHT} ping result posts already in flight; newer results are dropped until Komari catches up`);
      }
      return;
    }
    if (this.dropped > 0) {
      this.log.info({ dropped: this.dropped }, 'ping result posts keep up again');
      this.dropped = 0;
    }
    const sending = this.send(result, status).finally(() => this.inflight.delete(sending));
    this.inflight.add(sending);
  }

  /** Resolves when every post in flight has settled (after the signal aborted them, at stop). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  private async send(result: PingResult, status: Delivery): Promise<void> {
    try {
      const outcome = await sendWithRetry(this.source, result, this.signal, this.retry, this.timers);
      status.delivery = outcome.ok ? 'sent' : 'failed';
      if (outcome.ok) {
        this.once.clear('send', {}, 'ping results are accepted again');
        return;
      }
      this.once.report(
        'send',
        errorCode(outcome.error) ?? 'UNEXPECTED',
        'warn',
        { taskId: result.task_id, attempts: outcome.attempts, err: errorMessage(outcome.error) },
        'ping result could not be sent; dropped',
      );
    } catch {
      status.delivery = 'failed'; // aborted by stop()
    }
  }
}
