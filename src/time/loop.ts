/**
 * One self-rescheduling loop: runs `tick`, then schedules the next one on the fixed grid
 * `start + k × interval` (drift compensation; a slot that is already past is skipped,
 * so ticks never overlap and never bunch up). A failed tick schedules a retry after an
 * exponential backoff instead. Every tick is wrapped so that an error cannot stop the loop.
 */
import { backoffDelay, type BackoffPolicy, sharedPolicy } from './backoff.js';
import { Cancellation, type CancelSignal } from './cancel.js';
import type { Clock } from './timers.js';

export type TickResult =
  /**
   * `skipped`: the tick produced nothing but is not a failure (e.g. no capacity in time); the grid goes on.
   * `anchorAt`: the tick's work really began then (it waited for its turn first); the grid moves there.
   */
  | { ok: true; skipped?: boolean; anchorAt?: number }
  /** `minDelayMs`: wait at least this long before the next attempt (e.g. after a timeout). */
  | { ok: false; slow?: boolean; minDelayMs?: number };

export interface LoopOptions {
  intervalMs: number;
  /** Random offset of the first tick within the first interval, so a fleet does not start in lockstep. */
  startDelayMs: number;
  /**
   * A first slot already due starts its tick inside `start()` rather than from a 0 ms timer,
   * which the runtime fires a millisecond late (ping tasks stamp their grid from it).
   */
  firstAtOnce?: boolean;
  /**
   * The next slot is armed when a slot comes, before its tick runs, and a slot that comes
   * while the previous tick is still going is skipped: the loop holds exactly one timer until
   * it stops, and stays on its grid whatever a tick achieved (no backoff). Ping tasks.
   */
  armAhead?: boolean;
  /**
   * Start instants are rounded up to a multiple of this (epoch ms), so the loops of a large
   * fleet due in the same bucket wake the event loop once and their requests leave together.
   * An interval that is a multiple of it keeps every later slot in the bucket. Default: 1.
   */
  bucketMs?: number;
  backoff: BackoffPolicy;
  clock: Clock;
  random: () => number;
  tick: (signal: CancelSignal) => Promise<TickResult>;
  /** Called when `tick` throws: the loop goes on as after a failure. */
  onCrash: (err: unknown) => void;
  /** Called after every tick with the instant it was due and when it started (the load estimate's input; not with `armAhead`). */
  onTickEnd?: (slotAt: number, startedAt: number, result: TickResult) => void;
}

export class Loop {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private slotAt = 0;
  /** The tick in progress's: one per tick, so a waiting loop holds none. */
  private abort: Cancellation | undefined;
  /** Epoch ms the next tick is due, for status output. */
  nextAt: number | undefined;
  /** Epoch ms the tick in progress started, undefined while the loop waits. */
  tickStartedAt: number | undefined;

  constructor(private readonly options: LoopOptions) {}

  start(): void {
    const now = this.options.clock.now();
    this.slotAt = this.bucketed(now + this.options.startDelayMs);
    if (this.options.firstAtOnce && this.slotAt <= now) this.fire();
    else this.schedule(this.slotAt - now);
  }

  /** Resolves when the tick in progress (if any) has finished. */
  async settled(): Promise<void> {
    await this.running;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Stops scheduling, aborts the tick in flight and waits for it to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    this.abort?.abort();
    await this.running;
  }

  private bucketed(at: number): number {
    const bucket = this.options.bucketMs ?? 1;
    return bucket <= 1 ? at : Math.ceil(at / bucket) * bucket;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.nextAt = this.options.clock.now() + delayMs;
    this.timer = this.options.clock.setTimeout(() => this.fire(), delayMs);
  }

  private fire(): void {
    if (this.options.armAhead) {
      const now = this.options.clock.now();
      this.slotAt = nextSlot(this.slotAt, this.options.intervalMs, now);
      this.schedule(this.slotAt - now);
      if (this.running !== undefined) return; // one tick at a time: this slot is skipped
    }
    const running = this.run().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
  }

  private async run(): Promise<void> {
    const { clock, intervalMs } = this.options;
    const slotAt = this.slotAt;
    const startedAt = clock.now();
    this.tickStartedAt = startedAt;
    const abort = new Cancellation();
    if (this.stopped) abort.abort();
    this.abort = abort;
    let result: TickResult;
    try {
      result = await this.options.tick(abort.signal);
    } catch (err) {
      this.options.onCrash(err);
      result = { ok: false };
    }
    this.abort = undefined;
    this.tickStartedAt = undefined;
    const anchorAt = result.ok ? result.anchorAt : undefined;
    if (anchorAt !== undefined) this.slotAt = this.bucketed(anchorAt);
    this.options.onTickEnd?.(anchorAt ?? slotAt, anchorAt ?? startedAt, result);
    if (this.stopped || this.options.armAhead) return;
    if (result.ok) {
      this.failures = 0;
      this.slotAt = nextSlot(this.slotAt, intervalMs, clock.now());
      this.schedule(this.slotAt - clock.now());
      return;
    }
    this.failures += 1;
    const attempt = result.slow ? Number.POSITIVE_INFINITY : this.failures;
    const delay = Math.max(
      backoffDelay(Math.min(attempt, 64), this.options.backoff, this.options.random),
      result.minDelayMs ?? 0,
    );
    // After recovery the loop returns to a grid anchored at the first good tick.
    const now = clock.now();
    this.slotAt = this.bucketed(now + delay);
    this.schedule(this.slotAt - now);
  }
}

/** The first slot on the grid `slotAt + k × interval` that lies after `now`. */
export function nextSlot(slotAt: number, intervalMs: number, now: number): number {
  const next = slotAt + intervalMs;
  if (next > now) return next;
  const missed = Math.floor((now - slotAt) / intervalMs);
  return slotAt + (missed + 1) * intervalMs;
}

/** A fixed cadence's tick result: its runs have their own failure handling. */
const ranOk = (): TickResult => ({ ok: true });

/** What a fixed cadence is made of. */
export type CadenceSpec = Pick<LoopOptions, 'intervalMs' | 'clock' | 'random' | 'onCrash' | 'firstAtOnce' | 'armAhead'> & {
  /** Delay of the first run; default one interval. */
  startDelayMs?: number;
  run: (signal: CancelSignal) => Promise<void>;
};

/**
 * A loop that runs `run` every `intervalMs` on the fixed grid, by default first after one
 * interval, whatever `run` achieved (its own failures have their own handling): e.g. Nezha's
 * State cadence, a Komari ping task. One run at a time: a slot that comes while the previous
 * run is still going is skipped. A throw is reported to `onCrash` and the cadence goes on.
 */
export function fixedCadence(options: CadenceSpec): Loop {
  return new Loop(new CadenceOptions(options));
}

/**
 * A fixed cadence's options, one hidden class for all of them (a spread of the caller's gave
 * nearly every loop's options a class of its own, and every read of them in the loop went
 * megamorphic), its tick a method rather than a closure per loop (an async arrow would also
 * give its calls' generator objects a class of their own).
 */
class CadenceOptions implements LoopOptions {
  readonly intervalMs: number;
  readonly startDelayMs: number;
  readonly firstAtOnce: boolean | undefined;
  readonly armAhead: boolean | undefined;
  readonly backoff: BackoffPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly onCrash: (err: unknown) => void;
  private readonly run: (signal: CancelSignal) => Promise<void>;

  constructor(o: CadenceSpec) {
    this.intervalMs = o.intervalMs;
    this.startDelayMs = o.startDelayMs ?? o.intervalMs;
    this.firstAtOnce = o.firstAtOnce;
    this.armAhead = o.armAhead;
    this.backoff = sharedPolicy(o.intervalMs, o.intervalMs, 0);
    this.clock = o.clock;
    this.random = o.random;
    this.onCrash = o.onCrash;
    this.run = o.run;
  }

  tick(signal: CancelSignal): Promise<TickResult> {
    return this.run(signal).then(ranOk);
  }
}
