/**
 * A clock whose time moves only when a test says so, for driving the bridge's loops while
 * the HTTP traffic under them stays real (loopback fakes). Timers fire in due order.
 */
import { vi } from 'vitest';
import type { Clock } from '../../src/time/timers.js';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 10, 24, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.seq, due: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
  }

  /** Waits (polling real time) until at least `count` timers are scheduled: every loop is idle again. */
  async idle(count: number): Promise<void> {
    await vi.waitFor(
      () => {
        if (this.timers.length < count) throw new Error(`${this.timers.length} of ${count} timers scheduled`);
      },
      { timeout: 10_000, interval: 5 },
    );
  }
}
