/** A real pino logger (with the production redaction) whose lines are kept as raw text and parsed. */
import { createLogger, type Logger } from '../../../src/log.js';

export function captureLogger(): { logger: Logger; raw: string[]; parsed(): Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (s: string) => void raw.push(s) } });
  return { logger, raw, parsed: () => raw.map((s) => JSON.parse(s) as Record<string, unknown>) };
}
