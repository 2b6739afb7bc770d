/**
 * What the daemon tells systemd, and when: READY=1 once the scheduler has run (the first
 * successful router cycle, or every router's first attempt when none succeeds — an
 * unreachable fleet must not fail the start), WATCHDOG=1 at half the watchdog interval but
 * only while the scheduler makes progress (the same signal as /healthz, never a bare timer),
 * RELOADING=1/READY=1 around a SIGHUP reload, STOPPING=1 at shutdown.
 */
import type { FleetHealth } from '../bridge/bridge.js';
import type { RouterView } from '../bridge/router-runner.js';
import type { Clock } from '../time/timers.js';
import type { Notifier } from './notify.js';

export interface SystemdLifecycle {
  reloading(): void;
  reloaded(): void;
  stopping(): void;
  close(): void;
}

const READY_CHECK_MS = 500;

export function startSystemdLifecycle(notifier: Notifier, bridge: FleetHealth, startedAt: number, clock: Clock): SystemdLifecycle {
  if (!notifier.active) return { reloading: () => undefined, reloaded: () => undefined, stopping: () => undefined, close: () => undefined };
  let closed = false;
  let readyTimer: unknown;
  let watchdogTimer: unknown;

  const checkReady = () => {
    if (closed) return;
    const views = bridge.view();
    const anyUp = views.some((v) => v.lastSuccessAt !== undefined);
    const allTried = views.every((v) => v.state !== 'starting');
    if (anyUp || allTried) {
      notifier.send(`READY=1\nSTATUS=${statusLine(views)}`);
      return;
    }
    readyTimer = clock.setTimeout(checkReady, READY_CHECK_MS);
  };
  checkReady();

  const usec = notifier.watchdogUsec;
  if (usec !== undefined) {
    const everyMs = Math.max(100, Math.floor(usec / 2000));
    const beat = () => {
      if (closed) return;
      if (bridge.healthy(clock.now(), startedAt)) notifier.send('WATCHDOG=1');
      watchdogTimer = clock.setTimeout(beat, everyMs);
    };
    watchdogTimer = clock.setTimeout(beat, everyMs);
  }

  return {
    reloading: () => notifier.send(`RELOADING=1\nMONOTONIC_USEC=${monotonicUsec()}`),
    reloaded: () => notifier.send(`READY=1\nSTATUS=${statusLine(bridge.view())}`),
    stopping: () => notifier.send('STOPPING=1'),
    close() {
      closed = true;
      clock.clearTimeout(readyTimer);
      clock.clearTimeout(watchdogTimer);
      notifier.close();
    },
  };
}

function statusLine(views: RouterView[]): string {
  const up = views.filter((v) => v.state === 'up').length;
  return `${up} of ${views.length} router(s) up`;
}

function monotonicUsec(): string {
  return (process.hrtime.bigint() / 1000n).toString();
}
