/**
 * Logs a condition once when it starts (or its kind changes), at debug while it repeats,
 * and once at info when it clears: a router or a task that fails every 5 s for a week must
 * not flood the journal. Used by the poller (degraded collectors) and the ping scheduler.
 * With the bridge's FleetLines, the loud lines of a condition that hits many routers at once
 * (its message is the topic) are limited for the fleet.
 */
import { type FleetLines, type Level, sayLine } from './fleet-lines.js';
import type { Logger } from './log.js';

export class OnceLog {
  /** Created with the first condition: most never see one, and the bridge has several per router. */
  private active: Map<string, { signature: string; repeats: number }> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly lines?: FleetLines,
  ) {}

  /** Logs at `level` when `key` is new or its `signature` changed; at debug otherwise. Returns true when logged loudly. */
  report(key: string, signature: string, level: Level, fields: Record<string, unknown>, message: string): boolean {
    const prev = this.active?.get(key);
    if (prev && prev.signature === signature) {
      prev.repeats += 1;
      this.logger.debug({ ...fields, repeats: prev.repeats }, `${message} (still)`);
      return false;
    }
    this.active ??= new Map();
    this.active.set(key, { signature, repeats: 0 });
    sayLine(this.lines, message, this.logger, level, fields, message);
    return true;
  }

  /** Forgets `key`; logs `message` at info when it was active (pass undefined to forget silently). */
  clear(key: string, fields?: Record<string, unknown>, message?: string): void {
    const prev = this.active?.get(key);
    if (!prev) return;
    this.active?.delete(key);
    if (message) sayLine(this.lines, message, this.logger, 'info', { ...fields, repeats: prev.repeats }, message);
  }

  /** Keys currently active, for status output. */
  keys(): string[] {
    return this.active ? [...this.active.keys()] : [];
  }
}
