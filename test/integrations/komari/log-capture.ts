/** The shared in-memory logger (`test/support/log-buffer.ts`), read as pino entries by level. */
import type { Logger } from '../../../src/log.js';
import { bufferLogger } from '../../support/log-buffer.js';

export type LogEntry = { level: number; msg: string; [key: string]: unknown };

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far (JSON text). */
  readonly lines: string[];
  entries(): LogEntry[];
  /** Lines at exactly this pino level number (20 debug, 30 info, 40 warn, 50 error). */
  at(level: number): LogEntry[];
}

export function captureLog(): CapturedLog {
  const buffer = bufferLogger();
  const entries = () => buffer.lines() as LogEntry[];
  return {
    logger: buffer.logger,
    get lines() {
      return buffer.text().split('\n').filter(Boolean);
    },
    entries,
    at: (level) => entries().filter((e) => e.level === level),
  };
}
