/** The clock and timers every scheduler uses; injected so tests can drive them with fake timers. */
export interface Clock {
  now(): number;
  /** Any delay ≥ 0, also beyond setTimeout's 2^31 − 1 ms limit (see systemClock). */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** setTimeout's limit (about 24.8 days): a longer wait is made of steps of at most this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A wait longer than one setTimeout allows: the handle follows the current step. */
class LongTimer {
  step: NodeJS.Timeout | undefined;

  constructor(fn: () => void, ms: number) {
    this.arm(fn, ms);
  }

  private arm(fn: () => void, left: number): void {
    if (left <= MAX_TIMER_MS) this.step = setTimeout(fn, left);
    else this.step = setTimeout(() => this.arm(fn, left - MAX_TIMER_MS), MAX_TIMER_MS);
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // Node fires a longer delay after 1 ms (with a warning): such waits are made of steps.
  setTimeout: (fn, ms) => (ms > MAX_TIMER_MS ? new LongTimer(fn, ms) : setTimeout(fn, ms)),
  clearTimeout: (h) => clearTimeout(h instanceof LongTimer ? h.step : (h as NodeJS.Timeout | undefined)),
};

/** True when `work` settles (either way) within `ms`; false when the wait ran out first. The timer is cleared either way. */
export async function settlesWithin(work: Promise<unknown>, ms: number, timers: Pick<Clock, 'setTimeout' | 'clearTimeout'> = systemClock): Promise<boolean> {
  let timer: unknown;
  const late = new Promise<false>((resolve) => {
    timer = timers.setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    timers.clearTimeout(timer);
  }
}

const nowFunctions = new WeakMap<Clock, () => number>();

/** `() => clock.now()`, one function per clock: every router's parts take one, and a closure each cost ~0.1 KB per router. */
export function nowOf(clock: Clock): () => number {
  let now = nowFunctions.get(clock);
  if (now === undefined) {
    now = () => clock.now();
    nowFunctions.set(clock, now);
  }
  return now;
}
