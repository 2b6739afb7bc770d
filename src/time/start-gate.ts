/**
 * Paces the first polls of a fleet by how busy the bridge is. A first poll costs several
 * times a regular one (a TLS handshake and a dozen reads of static facts); when a large
 * fleet's first polls all fall within one interval the event loop saturates, every poll runs
 * late, late polls are followed by catch-up polls and requests wait for slots long enough to
 * outlive the young generation — the start-up burst feeds itself. Through the gate, a first
 * poll waits while the event loop was busier than `maxBusyShare` over the last check, and at
 * most `perCheck` are let through per check: a machine that keeps up sees no delay at all, one
 * that does not starts its routers as fast as it can carry them, each then on time.
 *
 * One timer, only while someone waits; waiting is abortable. Pure but for the clock and the
 * busy-share source it is given.
 */
import type { Clock } from './timers.js';
import type { CancelSignal } from './cancel.js';

export interface StartGateOptions {
  clock: Clock;
  /** The event loop's busy share (0–1) since the previous call. */
  busyShare: () => number;
  /** Default 0.8. */
  maxBusyShare?: number;
  /** Default 50 ms. */
  checkMs?: number;
  /** First polls let through per check when the loop has room. Default 25 (one 25 ms start bucket of a 5 000-router fleet). */
  perCheck?: number;
  /**
   * No first poll waits longer than this, busy or not (default 10 s): an overloaded bridge stays
   * busy for good, and a gate without this bound would never start some routers at all.
   */
  maxWaitMs?: number;
}

interface Waiter {
  since: number;
  resolve: (waited: boolean) => void;
  reject: (err: unknown) => void;
  signal: CancelSignal;
  onAbort: () => void;
  /** Aborted: left in the queue (no O(n) removal when a whole fleet stops), skipped by the next check. */
  gone: boolean;
}

export class StartGate {
  private readonly waiting: Waiter[] = [];
  private live = 0;
  private timer: unknown;
  private admittedThisCheck = 0;
  private busy = 0;
  /** First polls that waited at least one check, for status and tests. */
  delayed = 0;

  constructor(private readonly options: StartGateOptions) {}

  /** Resolves when this first poll may start (true: it had to wait); rejects with the signal's reason when aborted first. */
  enter(signal: CancelSignal): Promise<boolean> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.live === 0 && this.hasRoom()) {
      this.admittedThisCheck += 1;
      this.arm();
      return Promise.resolve(false);
    }
    this.delayed += 1;
    return new Promise<boolean>((resolve, reject) => {
      const waiter: Waiter = {
        since: this.options.clock.now(),
        resolve,
        reject,
        signal,
        onAbort: () => {
          waiter.gone = true;
          this.live -= 1;
          reject(signal.reason);
        },
        gone: false,
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
      this.live += 1;
      this.arm();
    });
  }

  /** How many first polls wait now. */
  get size(): number {
    return this.live;
  }

  private hasRoom(): boolean {
    return this.admittedThisCheck < (this.options.perCheck ?? 25) && this.busy <= (this.options.maxBusyShare ?? 0.8);
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = this.options.clock.setTimeout(() => this.check(), this.options.checkMs ?? 50);
  }

  private check(): void {
    this.timer = undefined;
    this.admittedThisCheck = 0;
    this.busy = this.options.busyShare();
    const overdueSince = this.options.clock.now() - (this.options.maxWaitMs ?? 10_000);
    while (this.waiting[0]?.gone) this.waiting.shift();
    while (this.waiting.length > 0 && (this.hasRoom() || (this.waiting[0] as Waiter).since <= overdueSince)) {
      const waiter = this.waiting.shift() as Waiter;
      while (this.waiting[0]?.gone) this.waiting.shift();
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.live -= 1;
      this.admittedThisCheck += 1;
      waiter.resolve(true);
    }
    // Keep measuring while first polls wait, or were let through in this check (their cost
    // shows in the next busy share); otherwise go quiet until the next first poll.
    if (this.live > 0 || this.admittedThisCheck > 0) this.arm();
  }
}

/** The event loop's busy share since the previous call (0–1), from a busy-ms counter. */
export function busyShareSince(clock: Pick<Clock, 'now'>, busyMs: () => number): () => number {
  let lastAt = clock.now();
  let lastBusy = busyMs();
  return () => {
    const at = clock.now();
    const busy = busyMs();
    const share = at > lastAt ? (busy - lastBusy) / (at - lastAt) : 0;
    lastAt = at;
    lastBusy = busy;
    return Math.min(1, Math.max(0, share));
  };
}
