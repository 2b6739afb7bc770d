/** A real pino logger (with the production redaction) whose lines are kept for assertions. */
import { createLogger, type Logger } from '../../../src/log.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function captureLogger(): { logger: Logger; lines: LogLine[]; at(level: keyof typeof LEVEL): LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  });
  return { logger, lines, at: (level) => lines.filter((l) => l.level === LEVEL[level]) };
}
