/**
 * sd_notify: tells systemd (Type=notify) when tikprobe is ready, that it is still making
 * progress (watchdog), and when it reloads or stops. The messages are datagrams on the Unix
 * socket named by $NOTIFY_SOCKET; Node has no Unix datagram sockets in core, so the small
 * native `unix-dgram` addon sends them. Without $NOTIFY_SOCKET (not under systemd, or
 * Type=simple) every call is a no-op.
 */
import { createRequire } from 'node:module';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

export interface Notifier {
  /** True when a notify socket is configured and open. */
  readonly active: boolean;
  /** Microseconds systemd expects a WATCHDOG=1 within ($WATCHDOG_USEC), when it set one for us. */
  readonly watchdogUsec: number | undefined;
  send(message: string): void;
  close(): void;
}

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, callback?: (err?: Error) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}
export interface DgramModule {
  createSocket(type: 'unix_dgram'): DgramSocket;
}

const loadUnixDgram = (): DgramModule => createRequire(import.meta.url)('unix-dgram') as DgramModule;

/** The socket path systemd gave us; an abstract name (`@…`) becomes a leading NUL byte. */
export function notifySocketPath(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return value.startsWith('@') ? `\0${value.slice(1)}` : value;
}

/** $WATCHDOG_USEC, honoured only when $WATCHDOG_PID is absent or is this process (as libsystemd does). */
export function watchdogUsec(env: Record<string, string | undefined>, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return usec;
}

export function createNotifier(
  env: Record<string, string | undefined>,
  logger: Logger,
  load: () => DgramModule = loadUnixDgram,
): Notifier {
  const path = notifySocketPath(env.NOTIFY_SOCKET);
  const inactive: Notifier = { active: false, watchdogUsec: undefined, send: () => undefined, close: () => undefined };
  if (path === undefined) return inactive;
  let socket: DgramSocket;
  try {
    socket = load().createSocket('unix_dgram');
  } catch (err) {
    logger.error({ err: errorMessage(err) }, 'NOTIFY_SOCKET is set but the unix-dgram addon is not usable; readiness and watchdog messages are off (rebuild with `npm rebuild unix-dgram`)');
    return inactive;
  }
  let warned = false;
  const warnOnce = (err: Error) => {
    if (warned) return;
    warned = true;
    logger.warn({ err: errorMessage(err) }, 'could not send to the systemd notify socket');
  };
  socket.on('error', warnOnce);
  let open = true;
  return {
    active: true,
    watchdogUsec: watchdogUsec(env, process.pid),
    send(message) {
      if (!open) return;
      const buf = Buffer.from(message);
      socket.send(buf, 0, buf.length, path, (err) => {
        if (err) warnOnce(err);
      });
    },
    close() {
      if (!open) return;
      open = false;
      socket.close();
    },
  };
}
