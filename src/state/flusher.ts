/**
 * Batches state writes. Traffic state changes on every poll, but a file per router per poll
 * (1 000 routers every 5 s: 200 fsyncs a second) would wear out a Raspberry Pi's SD card.
 * Callers `mark` the newest state every cycle; dirty routers are written at most once per
 * `intervalMs`, and all of them on `flush()` at shutdown.
 *
 * Why a crash between two flushes can never double-count: each file holds the totals
 * together with the interface counters they were computed from, written as one atomic
 * document. After a restart the next delta is measured from those persisted counters, so
 * the traffic since that snapshot is counted exactly once: it is not in the persisted totals
 * and is all in the next delta. For the same reason the first total after the restart is at
 * least the last one reported before the crash: it is the snapshot plus all traffic since,
 * which includes the part that had been counted in memory and lost. The one exception is
 * when the router also restarted its counters (rebooted) while the bridge was down: the
 * traffic between the snapshot and the router's restart is then unknowable, so at most one
 * interval of traffic is missing; it is still never counted twice.
 */
import { errorMessage, TikprobeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RouterState } from './schema.js';

/** Timer functions; the scheduler's Clock fits. Default: the global timers. */
export interface FlushTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface StateFlusherOptions {
  store: { save(router: string, state: RouterState): Promise<void> };
  /** Minimum time between two timed flushes (default 60 s). */
  intervalMs?: number;
  now?: () => number;
  timers?: FlushTimers;
  logger?: Logger;
  /** Files written at the same time during one flush (default 4). */
  concurrency?: number;
}

export interface StateFlusher {
  /** Records the router's newest state; it is written at the next flush. Never does I/O itself. */
  mark(router: string, state: RouterState): void;
  /**
   * Writes this state now and drops any older state of the router still waiting to be written
   * (a pending mark, or one taken by a flush pass in progress). For state that must be on disk
   * before it is used (a Komari registration): going through the flusher keeps an older state
   * from overwriting it later.
   */
  saveNow(router: string, state: RouterState): Promise<void>;
  /** Writes every dirty router now; rejects with STATE_IO naming the routers that failed (they stay dirty). */
  flush(): Promise<void>;
  /** Cancels the timer; marks stay pending until `flush()`. Does not write. */
  stop(): void;
  /** Routers marked but not yet written. */
  pending(): number;
}

export function createStateFlusher(opts: StateFlusherOptions): StateFlusher {
  return new IntervalFlusher(opts);
}

const globalTimers: FlushTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending flush alone must not keep the process alive; shutdown calls flush() itself.
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

class IntervalFlusher implements StateFlusher {
  private readonly dirty = new Map<string, RouterState>();
  /** The states taken by the flush pass in progress and not yet written. */
  private writing = new Map<string, RouterState>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly timers: FlushTimers;
  private readonly concurrency: number;
  private timer: unknown;
  private armed = false;
  private stopped = false;
  private lastFlushAt: number;
  /** The flush pass in progress; passes run one after the other. */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly opts: StateFlusherOptions) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? globalTimers;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    // The first timed flush comes one interval after start, like every later one.
    this.lastFlushAt = this.now();
  }

  mark(router: string, state: RouterState): void {
    this.dirty.set(router, state);
    this.arm();
  }

  async saveNow(router: string, state: RouterState): Promise<void> {
    this.dirty.delete(router);
    // A pass in progress that has not reached this router yet must not write its older state after this one.
    this.writing.delete(router);
    await this.opts.store.save(router, state);
  }

  flush(): Promise<void> {
    const pass = this.running.then(() => this.flushOnce());
    this.running = pass.catch(() => undefined);
    return pass;
  }

  stop(): void {
    this.stopped = true;
    if (this.armed) this.timers.clearTimeout(this.timer);
    this.armed = false;
  }

  pending(): number {
    return this.dirty.size;
  }

  private arm(): void {
    if (this.armed || this.stopped || this.dirty.size === 0) return;
    const delay = Math.max(0, this.lastFlushAt + this.intervalMs - this.now());
    this.armed = true;
    this.timer = this.timers.setTimeout(() => {
      this.armed = false;
      this.flush().catch((err: unknown) => {
        this.opts.logger?.warn({ err: errorMessage(err) }, 'state flush failed; retrying at the next interval');
      });
    }, delay);
  }

  private async flushOnce(): Promise<void> {
    this.lastFlushAt = this.now();
    const batch = new Map(this.dirty);
    this.writing = batch;
    this.dirty.clear();
    const routers = [...batch.keys()];
    const failed: Array<{ router: string; err: unknown }> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < routers.length) {
        const router = routers[next++]!;
        const state = batch.get(router);
        // saveNow has written a newer state since the pass began.
        if (state === undefined) continue;
        try {
          await this.opts.store.save(router, state);
        } catch (err) {
          // Keep it for the next pass unless a newer state was marked or saved meanwhile.
          if (!this.dirty.has(router) && batch.has(router)) this.dirty.set(router, state);
          failed.push({ router, err });
        } finally {
          batch.delete(router);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, routers.length) }, worker));
    this.arm();
    if (failed.length > 0) {
      const names = failed.slice(0, 10).map((f) => f.router);
      const more = failed.length > names.length ? ` and ${failed.length - names.length} more` : '';
      throw new TikprobeError(
        'STATE_IO',
        `could not save state of ${failed.length} router(s): ${names.join(', ')}${more}: ${errorMessage(failed[0]?.err)}`,
        { cause: failed[0]?.err },
      );
    }
  }
}
