/** A real pino logger (same factory as production) writing JSON lines into memory. */
import { createLogger, type Logger } from '../../../src/log.js';

export interface CapturedLog {
  logger: Logger;
  /** Every line as written (JSON text). */
  lines: string[];
  entries(): { level: number; msg: string; [key: string]: unknown }[];
  /** Lines at or above a pino level number (30 info, 40 warn, 50 error). */
  at(level: number): { level: number; msg: string; [key: string]: unknown }[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    destination: {
      write(line: string) {
        lines.push(line);
      },
    },
  });
  const entries = () => lines.map((l) => JSON.parse(l) as { level: number; msg: string; [key: string]: unknown });
  return { logger, lines, entries, at: (level) => entries().filter((e) => e.level === level) };
}
