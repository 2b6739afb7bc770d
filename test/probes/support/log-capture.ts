/** The shared in-memory logger (real pino, production redaction) at debug, with its lines picked by level. */
import type { Logger } from '../../../src/log.js';
import { bufferLogger } from '../../support/log-buffer.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function captureLogger(): { logger: Logger; readonly lines: LogLine[]; at(level: keyof typeof LEVEL): LogLine[] } {
  const buffer = bufferLogger('debug');
  const lines = () => buffer.lines() as LogLine[];
  return {
    logger: buffer.logger,
    get lines() {
      return lines();
    },
    at: (level) => lines().filter((l) => l.level === LEVEL[level]),
  };
}
