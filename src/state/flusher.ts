/**
 * Batches state writes. Traffic state changes on every poll; the flusher writes the state of
 * every dirty router as one document (store.ts): at most once per `intervalMs` for ordinary
 * changes, within `urgentMs` for a change of the accounting's shape (a first baseline, a
 * reboot, a new interface id, a new device, a period reset), and at once for `saveNow` (a
 * Komari registration). Writes never overlap; requests made during one join the next.
 *
 * The durability invariant (tested by the property test and the SIGKILL process test):
 * after SIGKILL at any moment and a restart, when the router did not reboot meanwhile, the
 * first totals reported are at least the last ones reported before the kill, and the
 * traffic the router counted during the downtime is included exactly once. Why: a router's
 * first report carries its baseline totals (0), and every shape change (baseline included)
 * reaches the disk within `urgentMs`, before the next poll can report more. Each saved state
 * holds the totals with the counters they were computed from, in one atomic document, so
 * after a restart the next delta is measured from those counters: everything since the save
 * (reported before the kill or counted during the downtime) is in that delta, once. When the
 * router also rebooted while the bridge was down, the traffic between the save and the
 * reboot is unknowable: at most one flush interval of traffic is missing, never counted twice.
 *
 * Write faults (full disk, read-only or deleted directory) are said once per condition with
 * the path and errno, the states stay in memory and are written whole at the next attempt.
 */
import { errorCode, errorMessage, TikprobeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RouterState } from './schema.js';

/** Timer functions; the scheduler's Clock fits. Default: the global timers. */
export interface FlushTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface StateFlusherOptions {
  store: { saveMany(states: ReadonlyMap<string, RouterState>): Promise<void> };
  /** Minimum time between two timed flushes (default 60 s). */
  intervalMs?: number;
  /** Longest wait for a shape change to reach the disk (default 1 s): a burst of them costs one write. */
  urgentMs?: number;
  now?: () => number;
  timers?: FlushTimers;
  logger?: Logger;
}

export interface StateFlusher {
  /** Records the router's newest state; `urgent` writes it within `urgentMs`, else at the next interval. Never does I/O itself. */
  mark(router: string, state: RouterState, urgent?: boolean): void;
  /** Writes this state (and every dirty one) now; resolves once it is on disk. */
  saveNow(router: string, state: RouterState): Promise<void>;
  /** Writes every dirty router now; rejects with STATE_IO when the write failed (they stay dirty). */
  flush(): Promise<void>;
  /** Cancels the timer; marks stay pending until `flush()`. Does not write. */
  stop(): void;
  /** Routers marked but not yet written. */
  pending(): number;
  /** Writes made, for the writes-per-hour figure. */
  writes(): number;
}

export function createStateFlusher(opts: StateFlusherOptions): StateFlusher {
  return new BatchFlusher(opts);
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

class BatchFlusher implements StateFlusher {
  private dirty = new Map<string, RouterState>();
  private readonly intervalMs: number;
  private readonly urgentMs: number;
  private readonly now: () => number;
  private readonly timers: FlushTimers;
  private timer: unknown;
  private armedFor: number | undefined;
  private urgent = false;
  private stopped = false;
  private lastFlushAt: number;
  private writeCount = 0;
  private chain: Promise<void> = Promise.resolve();
  /** The errno of the failing condition, said once until a write succeeds. */
  private failing: string | undefined;

  constructor(private readonly opts: StateFlusherOptions) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.urgentMs = opts.urgentMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? globalTimers;
    // The first timed flush comes one interval after start, like every later one.
    this.lastFlushAt = this.now();
  }

  mark(router: string, state: RouterState, urgent = false): void {
    this.dirty.set(router, state);
    if (urgent) this.urgent = true;
    this.arm();
  }

  async saveNow(router: string, state: RouterState): Promise<void> {
    this.dirty.set(router, state);
    await this.flush();
  }

  /**
   * Writes every marked state. Flushes run one after the other: a flush called while a write
   * is in flight resolves only after that write too, so "flushed" always means "on disk"
   * (shutdown's flush must not return while the urgent write of a moment ago is still going).
   */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flushOnce(): Promise<void> {
    this.lastFlushAt = this.now();
    this.urgent = false;
    this.disarm();
    const batch = this.dirty;
    this.dirty = new Map();
    if (batch.size === 0) return;
    try {
      this.writeCount++;
      await this.opts.store.saveMany(batch);
      this.recovered();
    } catch (err) {
      // Kept for the next write unless a newer state was marked meanwhile.
      for (const [router, state] of batch) if (!this.dirty.has(router)) this.dirty.set(router, state);
      this.failed(err, batch.size);
      throw err instanceof TikprobeError ? err : new TikprobeError('STATE_IO', `could not save state of ${batch.size} router(s): ${errorMessage(err)}`, { cause: err });
    } finally {
      this.arm();
    }
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  pending(): number {
    return this.dirty.size;
  }

  writes(): number {
    return this.writeCount;
  }

  private arm(): void {
    if (this.stopped || this.dirty.size === 0) return;
    const due = this.urgent ? this.now() + this.urgentMs : this.lastFlushAt + this.intervalMs;
    if (this.armedFor !== undefined && this.armedFor <= due) return;
    this.disarm();
    this.armedFor = due;
    this.timer = this.timers.setTimeout(() => {
      this.armedFor = undefined;
      this.flush().catch(() => undefined);
    }, Math.max(0, due - this.now()));
  }

  private disarm(): void {
    if (this.armedFor !== undefined) this.timers.clearTimeout(this.timer);
    this.armedFor = undefined;
  }

  private failed(err: unknown, routers: number): void {
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    const errno = cause?.code ?? errorCode(err) ?? 'UNEXPECTED';
    if (this.failing === errno) return;
    this.failing = errno;
    this.opts.logger?.warn({ errno, routers, err: errorMessage(err) }, 'state could not be written; polling and reporting go on, the states are kept in memory and written at the next attempt');
  }

  private recovered(): void {
    if (this.failing === undefined) return;
    this.opts.logger?.info({ previousErrno: this.failing }, 'state written again');
    this.failing = undefined;
  }
}
