/**
 * Builds a PingScheduler with a scripted task source, a scripted measure and a fake
 * BridgeIcmp, for tests that drive it with fake timers.
 */
import { vi } from 'vitest';
import { KomariError } from '../../../src/errors.js';
import type { BridgeIcmp } from '../../../src/probes/bridge-icmp.js';
import type { Probe } from '../../../src/probes/kinds.js';
import type { MeasureOptions } from '../../../src/probes/measure.js';
import { PingScheduler, type PingSchedulerDeps } from '../../../src/integrations/komari/ping-scheduler.js';
import type { KomariPingTask, PingResult, PingTaskSource } from '../../../src/integrations/komari/task-source.js';
import type { RouterRest } from '../../../src/routeros/rest.js';
import { captureLogger } from './log-capture.js';
import { systemClock } from '../../../src/time/timers.js';
import type { CancelSignal } from '../../../src/time/cancel.js';

export interface MeasureCall {
  probe: Probe;
  at: number;
  timeoutMs: number;
  signal: CancelSignal;
}

export function task(id: number, type: string, target: string, interval: number, name = `task ${id}`): KomariPingTask {
  return { id, name, type, target, interval };
}

/** A target's measurement: a value after `ms` of (fake) time, or a thrown error. */
export type Script = (probe: Probe, options: MeasureOptions) => Promise<number | undefined>;

export function resolveAfter(ms: number, value: number | undefined): Promise<number | undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/** Settles only when the signal aborts, and then rejects like a real probe. */
export function hang(signal: CancelSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

export function harness(initial: unknown, overrides: Partial<PingSchedulerDeps> & { script?: Script } = {}) {
  const log = captureLogger();
  let tasks: unknown = initial;
  let fetchError: Error | undefined;
  let sendFailures = 0;
  const sent: PingResult[] = [];
  const attempts: { result: PingResult; at: number }[] = [];
  const calls: MeasureCall[] = [];
  let script: Script = overrides.script ?? (async () => 12.4);

  const source: PingTaskSource = {
    fetchTasks: vi.fn(async () => {
      if (fetchError) throw fetchError;
      return tasks as KomariPingTask[];
    }),
    sendResult: vi.fn(async (result: PingResult) => {
      attempts.push({ result, at: Date.now() });
      if (sendFailures > 0) {
        sendFailures -= 1;
        throw new KomariError('KOMARI_TRANSIENT', 'Komari answered 502');
      }
      sent.push(result);
    }),
  };
  const measure = vi.fn((probe: Probe, options: MeasureOptions) => {
    calls.push({ probe, at: Date.now(), timeoutMs: options.timeoutMs, signal: options.signal });
    return script(probe, options);
  });
  const bridgeIcmp: BridgeIcmp = { available: vi.fn(() => true), ping: vi.fn(async () => 1), close: vi.fn() };
  const rest: RouterRest = {
    get: () => Promise.reject(new Error('not used')),
    post: () => Promise.reject(new Error('not used')),
    stats: () => ({ requests: 0, bytes: 0 }),
    close: async () => {},
  };
  let routerUp = true;
  const scheduler = new PingScheduler({
    router: 'gw1',
    source,
    rest,
    via: 'router',
    count: 3,
    pingTasksIntervalMs: 60_000,
    isRouterUp: () => routerUp,
    logger: log.logger,
    bridgeIcmp,
    clock: systemClock,
    random: () => 0,
    measure,
    ...overrides,
  });
  return {
    scheduler,
    source,
    measure,
    bridgeIcmp,
    log,
    sent,
    attempts,
    calls,
    setTasks: (t: unknown) => {
      tasks = t;
    },
    failFetch: (e: Error | undefined) => {
      fetchError = e;
    },
    failSends: (n: number) => {
      sendFailures = n;
    },
    setScript: (s: Script) => {
      script = s;
    },
    setRouterUp: (up: boolean) => {
      routerUp = up;
    },
    /** Log lines of one condition message, loud and repeated (`… (still)`). */
    lines: (msg: string) => log.lines.filter((l) => l.msg === msg || l.msg === `${msg} (still)`),
    /** Call times (ms since `t0`) of measurements of one task target. */
    timesOf: (t0: number, match: (p: Probe) => boolean) => calls.filter((c) => match(c.probe)).map((c) => c.at - t0),
  };
}

export const target =
  (host: string) =>
  (p: Probe): boolean =>
    ('host' in p && p.host === host) || ('url' in p && p.url.includes(host)) || ('address' in p && p.address.host === host);
