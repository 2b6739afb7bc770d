/**
 * The fleet-wide limit on router requests in flight (`concurrency`): the oldest work first
 * (a request ranks by when the work it belongs to began, its poll's start; equal ranks first
 * come, first served), and a request that has waited its longest (or whose poll is stopped)
 * leaves the queue at once, never run. Ranking by the poll's start, not the request's, lets a
 * poll that has begun finish before polls that began after it: under overload the bridge
 * completes polls one after another instead of advancing every poll a request at a time until
 * their waits expire, which would throw away the requests they already made.
 *
 * With one request at a time per router, the queue never holds more than one live entry per
 * router (abandoned ones are dropped once they outnumber the live), and no wait outlasts its
 * bound: a bridge that cannot keep up makes its polls late, never its memory grow. A request
 * that gets a slot at once costs no timer and no listener.
 *
 * It also keeps the figures the load estimate needs: the slot time used (the integral of
 * requests in flight over time) and the time requests spent waiting. No I/O.
 */
import type { CancelSignal } from './cancel.js';
import { RankQueue } from './rank-queue.js';

/** A request that waited `waitedMs` (its bound) for a slot and was not run. */
export class SlotWaitExpired extends Error {
  constructor(readonly waitedMs: number) {
    super(`no request slot free within ${waitedMs} ms`);
    this.name = 'SlotWaitExpired';
  }
}

interface Waiter {
  start: () => void;
  fail: (reason: unknown) => void;
  cancel: CancelSignal | undefined;
  onAbort: (() => void) | undefined;
  timer: NodeJS.Timeout | undefined;
  enqueuedAt: number;
  gone: boolean;
}

export interface SlotFigures {
  /** Requests holding a slot now. */
  active: number;
  /** Requests waiting for a slot now. */
  waiting: number;
  /** Slot-milliseconds used since creation (the sum over time of requests in flight). */
  busyMs: number;
  /** Milliseconds requests spent waiting for a slot, and how many waited (cancelled ones included). */
  waitedMs: number;
  waited: number;
}

export class RequestSlots {
  private running = 0;
  private readonly queue = new RankQueue<Waiter>();
  private live = 0;
  private busyDoneMs = 0;
  private changedAt: number;
  private waitedMs = 0;
  private waited = 0;

  constructor(
    readonly size: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`request slots: ${size} is not a positive integer`);
    this.changedAt = now();
  }

  /**
   * Takes a slot for the caller, who gives it back with `release()` once its request has
   * settled. Returns undefined when one was free: taken at once, with no promise, timer or
   * listener. Else a promise that resolves once a slot is the caller's (after the waiting
   * requests of a smaller `rank`, default now, and those of the same rank queued before it),
   * or rejects, holding none, with the cancel handle's reason when it is aborted first and
   * with SlotWaitExpired when `maxWaitMs` (real time) pass first.
   */
  acquire(cancel?: CancelSignal, maxWaitMs?: number, rank?: number): Promise<void> | undefined {
    if (cancel?.aborted) return Promise.reject(cancel.reason);
    if (this.running < this.size && this.live === 0) {
      this.take();
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          this.take();
          resolve();
        },
        fail: reject,
        cancel,
        onAbort: undefined,
        timer: undefined,
        enqueuedAt: this.now(),
        gone: false,
      };
      if (cancel !== undefined) {
        waiter.onAbort = () => this.abandon(waiter, cancel.reason);
        cancel.addEventListener('abort', waiter.onAbort);
      }
      if (maxWaitMs !== undefined) waiter.timer = setTimeout(() => this.abandon(waiter, new SlotWaitExpired(maxWaitMs)), maxWaitMs);
      this.queue.push(waiter, rank ?? waiter.enqueuedAt);
      this.live += 1;
    });
  }

  /** Gives back a slot `acquire` gave; the next waiting request takes it. */
  release(): void {
    if (this.running === 0) throw new RangeError('request slots: release() without a slot taken');
    this.account();
    this.running -= 1;
    this.next();
  }

  figures(): SlotFigures {
    return { active: this.running, waiting: this.live, busyMs: this.busyDoneMs + this.running * (this.now() - this.changedAt), waitedMs: this.waitedMs, waited: this.waited };
  }

  private take(): void {
    this.account();
    this.running += 1;
  }

  /** Folds the slot time since the last change into the total. */
  private account(): void {
    const at = this.now();
    this.busyDoneMs += this.running * (at - this.changedAt);
    this.changedAt = at;
  }

  private next(): void {
    while (this.running < this.size && this.live > 0) {
      const waiter = this.queue.pop();
      if (waiter === undefined) break;
      if (waiter.gone) continue;
      this.leave(waiter);
      waiter.start();
    }
    this.compact();
  }

  private abandon(waiter: Waiter, reason: unknown): void {
    if (waiter.gone) return;
    this.leave(waiter);
    waiter.fail(reason);
    this.compact();
  }

  /** The waiter is out of the queue (started or abandoned): its wait is counted, its timer and listener removed. */
  private leave(waiter: Waiter): void {
    waiter.gone = true;
    this.live -= 1;
    this.waited += 1;
    this.waitedMs += this.now() - waiter.enqueuedAt;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (waiter.onAbort !== undefined) waiter.cancel?.removeEventListener('abort', waiter.onAbort);
  }

  /** Drops abandoned entries once they outnumber the waiting ones, so they never accumulate. */
  private compact(): void {
    const gone = this.queue.size - this.live;
    if (gone > 1024 && gone > this.live) this.queue.compact((w) => !w.gone);
  }
}
