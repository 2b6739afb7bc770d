/**
 * Slowly wandering values for the simulated routers: a traffic rate, a CPU load, memory in
 * use. Pure: time comes in as an argument and randomness from the seeded generator.
 *
 * The walk moves once per simulated second. It has momentum (so a rate glides up and down
 * for a while instead of jittering) and is pulled back towards its mean, in log space for
 * quantities that span orders of magnitude. Values are advanced lazily when read, so a
 * router that nobody polls costs nothing.
 */
import { gaussian, type Rng } from './prng.js';

export interface WalkSpec {
  min: number;
  max: number;
  /** Where the walk is pulled back to. */
  mean: number;
  /** Share of the distance to the mean closed per second (0–1). */
  pull: number;
  /** Standard deviation of the per-second push, in (log) units of the value. */
  push: number;
  /** Walk the logarithm: for rates that range over orders of magnitude. */
  log: boolean;
}

const STEP_MS = 1000;
/** A walk left unread for longer than this catches up in one stretch instead of per second. */
const MAX_STEPS = 3600;
const MOMENTUM = 0.85;

export class SmoothWalk {
  private x: number;
  private drift = 0;
  private at: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly mu: number;

  constructor(
    private readonly spec: WalkSpec,
    private readonly rng: Rng,
    startMs: number,
  ) {
    const t = (v: number) => (spec.log ? Math.log(v) : v);
    this.lo = t(spec.min);
    this.hi = t(spec.max);
    this.mu = t(spec.mean);
    this.x = this.mu;
    this.at = startMs;
  }

  /** The value during the current simulated second. */
  get value(): number {
    return this.spec.log ? Math.exp(this.x) : this.x;
  }

  /**
   * Moves the walk forward to `nowMs`, calling `onSecond(value, ms)` for each stretch of
   * time with the value that held during it (for integrating a rate into a counter).
   * Returns the value now.
   */
  advanceTo(nowMs: number, onStretch?: (value: number, ms: number) => void): number {
    let due = Math.floor((nowMs - this.at) / STEP_MS);
    if (due > MAX_STEPS) {
      const skipMs = (due - MAX_STEPS) * STEP_MS;
      onStretch?.(this.value, skipMs);
      this.at += skipMs;
      due = MAX_STEPS;
    }
    for (let i = 0; i < due; i++) {
      onStretch?.(this.value, STEP_MS);
      this.step();
      this.at += STEP_MS;
    }
    return this.value;
  }

  /** Milliseconds of `nowMs` past the last whole simulated second (always < 1000 after advanceTo). */
  partialMs(nowMs: number): number {
    return Math.max(0, nowMs - this.at);
  }

  private step(): void {
    this.drift = MOMENTUM * this.drift + this.spec.push * gaussian(this.rng) * (1 - MOMENTUM);
    this.x += this.drift + this.spec.pull * (this.mu - this.x);
    if (this.x < this.lo) {
      this.x = this.lo;
      this.drift = Math.abs(this.drift);
    } else if (this.x > this.hi) {
      this.x = this.hi;
      this.drift = -Math.abs(this.drift);
    }
  }
}

/**
 * A byte counter fed by a rate walk in bits per second: monotonic, because the rate holds
 * for each whole second and is never negative.
 */
export class ByteCounter {
  private settled: number;

  constructor(
    private readonly rate: SmoothWalk,
    initialBytes: number,
  ) {
    this.settled = initialBytes;
  }

  /** Bytes counted up to `nowMs`. */
  read(nowMs: number): number {
    const bitsPerSecond = this.bitsPerSecond(nowMs);
    return Math.floor(this.settled + (bitsPerSecond / 8) * (this.rate.partialMs(nowMs) / 1000));
  }

  /** The current rate in bits per second (settling the whole seconds up to `nowMs`). */
  bitsPerSecond(nowMs: number): number {
    return this.rate.advanceTo(nowMs, (bitsPerSecond, ms) => {
      this.settled += (bitsPerSecond / 8) * (ms / 1000);
    });
  }
}
