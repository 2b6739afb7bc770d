/**
 * Per-router log lines of one fleet-wide cause, said for the fleet. When a dashboard or the
 * network fails, every router hits the same condition within seconds: 5 000 routers would
 * write 5 000 warnings, and 5 000 "again" lines when it heals. Each topic (a kind of line)
 * gets LINES_PER_WINDOW lines per window as they come; the others of that window go to
 * debug, and one line when the window ends says how many more routers had it, with the
 * counts per error code. One router (or a few) logs exactly as it would alone.
 */
import type { Logger } from './log.js';

/** The timers a window needs (a test's clock has this shape). */
export interface LineTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Real timers that never hold the process open: a summary is about wall time, and it is not
 * one of the fleet clock's timers (tests that drive the fleet's clock count those).
 */
const realTimers: LineTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** The levels a line that is not a detail is logged at. */
export type Level = 'error' | 'warn' | 'info';

/** Lines of one topic logged as they come, per window. */
export const LINES_PER_WINDOW = 5;
export const WINDOW_MS = 60_000;
/** Codes counted one by one per topic in a summary; the rest are summed as "other". */
const MAX_CODES = 16;

interface Topic {
  level: Level;
  said: number;
  more: number;
  codes: Map<string, number>;
}

export class FleetLines {
  private readonly topics = new Map<string, Topic>();
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly logger: Logger,
    private readonly clock: LineTimers = realTimers,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /**
   * Logs `message` through the router's `logger` at `level` while `topic` has had fewer than
   * LINES_PER_WINDOW lines this window; past that, at debug, counted for the window's summary.
   * The topic names the line for that summary ("Komari report failed").
   */
  say(topic: string, logger: Logger, level: Level, fields: Record<string, unknown>, message: string): void {
    if (this.closed) {
      logger[level](fields, message);
      return;
    }
    if (this.timer === undefined) {
      this.timer = this.clock.setTimeout(() => this.endWindow(), this.windowMs);
    }
    let t = this.topics.get(topic);
    if (t === undefined) {
      t = { level, said: 0, more: 0, codes: new Map() };
      this.topics.set(topic, t);
    }
    if (t.said < LINES_PER_WINDOW) {
      t.said += 1;
      logger[level](fields, message);
      return;
    }
    t.more += 1;
    if (typeof fields.code === 'string') {
      const key = t.codes.has(fields.code) || t.codes.size < MAX_CODES ? fields.code : 'other';
      t.codes.set(key, (t.codes.get(key) ?? 0) + 1);
    }
    logger.debug(fields, message);
  }

  /** Says the summaries of the window in progress and stops its timer; later lines are logged as they come (at stop). */
  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.closed = true;
    this.endWindow();
  }

  private endWindow(): void {
    this.timer = undefined;
    const windowS = Math.round(this.windowMs / 1000);
    for (const [topic, t] of this.topics) {
      if (t.more === 0) continue;
      const codes = t.codes.size > 0 ? { codes: Object.fromEntries(t.codes) } : {};
      this.logger[t.level]({ topic, more: t.more, ...codes, windowS }, `${topic}: ${t.more} more line(s) like the ${t.said} above in the last ${windowS} s, at debug level (one per router and event)`);
    }
    this.topics.clear();
  }
}

/** Through `lines` when the bridge has them, else straight to the router's logger (tests, one-shot commands). */
export function sayLine(lines: FleetLines | undefined, topic: string, logger: Logger, level: Level, fields: Record<string, unknown>, message: string): void {
  if (lines === undefined) logger[level](fields, message);
  else lines.say(topic, logger, level, fields, message);
}
