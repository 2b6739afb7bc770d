/**
 * The pino logger factory. JSON to stdout (journald and Docker own storage), pretty on a
 * TTY. Secrets are kept out twice: callers never log them, and redaction removes the
 * field names that could hold one should a whole object slip into a log call.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  'token',
  'autoDiscoveryKey',
  'authorization',
  'Authorization',
  '*.password',
  '*.token',
  '*.autoDiscoveryKey',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  '*.headers.authorization',
  'config.routers[*].password',
  'config.routers[*].komari.token',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; default stdout (pretty when it is a TTY). */
  destination?: DestinationStream;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: { name: 'tikprobe' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty ?? process.stdout.isTTY) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' } } });
  }
  return pino(base, pino.destination({ dest: 1, sync: false }));
}
