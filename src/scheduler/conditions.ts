/**
 * Logs a condition (a failing collector, an unreachable router) once when it starts or
 * changes, at debug with a counter while it repeats, and once at info when it clears.
 * Keeps logs readable for a fleet where one router may fail every 5 s for a week.
 */
import { errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

interface Active {
  signature: string;
  since: number;
  repeats: number;
}

export class Conditions {
  private readonly active = new Map<string, Active>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Records a failure of `key`; logs at `level` only when it is new or its error class changed. */
  fail(key: string, err: unknown, message: string, level: 'warn' | 'error' = 'warn'): void {
    const code = errorCode(err) ?? 'UNEXPECTED';
    const signature = `${code}`;
    const prev = this.active.get(key);
    if (prev && prev.signature === signature) {
      prev.repeats += 1;
      this.logger.debug({ condition: key, code, repeats: prev.repeats, err: errorMessage(err) }, `${message} (still)`);
      return;
    }
    this.active.set(key, { signature, since: this.now(), repeats: 0 });
    this.logger[level]({ condition: key, code, err: errorMessage(err) }, message);
  }

  /** Clears `key`; logs recovery at info if it was failing. Returns true when it was. */
  ok(key: string, message: string): boolean {
    const prev = this.active.get(key);
    if (!prev) return false;
    this.active.delete(key);
    this.logger.info({ condition: key, downForMs: this.now() - prev.since, repeats: prev.repeats }, message);
    return true;
  }

  isFailing(key: string): boolean {
    return this.active.has(key);
  }

  /** Keys currently failing, for status output. */
  list(): string[] {
    return [...this.active.keys()];
  }
}
