/**
 * The fleet-wide limit on router requests in flight (`concurrency`): first come, first
 * served, and a request that has waited its longest (or whose poll is stopped) leaves the
 * queue at once, never run. With one request at a time per router, the queue never holds
 * more than one entry per router, and no wait outlasts its bound: a bridge that cannot keep
 * up makes its polls late, never its memory grow. A request that gets a slot at once costs
 * no timer and no listener.
 *
 * It also keeps the figures the load estimate needs: the slot time used (the integral of
 * requests in flight over time) and the time requests spent waiting. No I/O.
 */

/** What a waiting request can be cancelled by (an AbortSignal, or anything with its shape). */
export interface SlotCancel {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

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
  cancel: SlotCancel | undefined;
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
  private queue: (Waiter | undefined)[] = [];
  private head = 0;
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
   * Runs `fn` in a slot, at once when one is free, else after the requests queued before it.
   * Without running `fn`, rejects with the cancel handle's reason when it is aborted first,
   * and with SlotWaitExpired when `maxWaitMs` (real time) pass first.
   */
  run<T>(fn: () => Promise<T>, cancel?: SlotCancel, maxWaitMs?: number): Promise<T> {
    if (cancel?.aborted) return Promise.reject(cancel.reason);
    if (this.running < this.size && this.live === 0) return this.hold(fn);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => this.hold(fn).then(resolve, reject),
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
      this.queue.push(waiter);
      this.live += 1;
    });
  }

  figures(): SlotFigures {
    return { active: this.running, waiting: this.live, busyMs: this.busyDoneMs + this.running * (this.now() - this.changedAt), waitedMs: this.waitedMs, waited: this.waited };
  }

  private hold<T>(fn: () => Promise<T>): Promise<T> {
    this.account();
    this.running += 1;
    let result: Promise<T>;
    try {
      result = fn();
    } catch (err) {
      result = Promise.reject(err);
    }
    return result.finally(() => this.release());
  }

  private release(): void {
    this.account();
    this.running -= 1;
    this.next();
  }

  /** Folds the slot time since the last change into the total. */
  private account(): void {
    const at = this.now();
    this.busyDoneMs += this.running * (at - this.changedAt);
    this.changedAt = at;
  }

  private next(): void {
    while (this.running < this.size && this.live > 0) {
      const waiter = this.queue[this.head];
      this.queue[this.head] = undefined;
      this.head += 1;
      if (waiter === undefined || waiter.gone) continue;
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

  /** Drops the consumed front of the array, so abandoned entries never accumulate. */
  private compact(): void {
    if (this.live === 0) {
      this.queue = [];
      this.head = 0;
      return;
    }
    while (this.head < this.queue.length && this.queue[this.head]?.gone !== false) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
