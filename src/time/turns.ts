/**
 * Long work on the event loop in slices: after every `sliceMs` of it the loop gets a turn
 * (timers, sockets), so a large /status reply or a state flush of thousands of routers holds
 * the fleet's polls back by one slice, not by the whole work.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export class Turns {
  private sliceStart: number;

  /** `now`: monotonic ms (default performance.now). */
  constructor(
    private readonly sliceMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.sliceStart = now();
  }

  /** True once the current slice has lasted `sliceMs`. */
  due(): boolean {
    return this.now() - this.sliceStart >= this.sliceMs;
  }

  /** Gives the event loop its turn; a new slice starts after it. */
  async take(): Promise<void> {
    await nextTurn();
    this.sliceStart = this.now();
  }
}
