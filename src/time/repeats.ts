/**
 * Small state holders for the Komari sink's failure handling. Pure: no timers, no logger.
 */

/**
 * Counts consecutive failures with the same signature, so the first one is logged loudly
 * and repeats quietly with a counter; a different failure counts as a new first one.
 */
export class RepeatCounter {
  private signature: string | undefined;
  private count = 0;
  private total = 0;

  /** Records a failure; returns how many times in a row this same failure has now happened (1 = new). */
  failure(signature: string): number {
    this.total++;
    if (signature === this.signature) this.count++;
    else {
      this.signature = signature;
      this.count = 1;
    }
    return this.count;
  }

  /** Records a success; returns how many failures (of any kind) it ended, 0 when none. */
  success(): number {
    const ended = this.total;
    this.signature = undefined;
    this.count = 0;
    this.total = 0;
    return ended;
  }

  get failing(): boolean {
    return this.total > 0;
  }
}

/** A retry delay that starts at `firstMs` and doubles up to `maxMs`. */
export class DoublingDelay {
  private nextMs: number;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
  ) {
    this.nextMs = firstMs;
  }

  /** The delay to wait now; the one after it is twice as long (capped). */
  next(): number {
    const d = this.nextMs;
    this.nextMs = Math.min(this.maxMs, this.nextMs * 2);
    return d;
  }

  reset(): void {
    this.nextMs = this.firstMs;
  }
}
