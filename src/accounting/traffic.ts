/**
 * tikprobe's own traffic totals for one router. Pure: no I/O, no logger, no clock (the
 * observation carries its time), so every rule is a unit test.
 *
 * Komari takes `totalUp`/`totalDown` as "bytes used in the current period" and can neither
 * reset nor correct them; a total that goes down is read as a restart and the next value
 * counted again in full. So the totals here only ever grow, except at a period rollover,
 * and every sign of a counter restart on the router is absorbed here instead of being passed on.
 *
 * up = transmit (tx), down = receive (rx), summed over the observed interfaces.
 */
import type { InterfaceCounter, TrafficReading } from '../model.js';
import { type CounterEntry, measureInterfaces } from './interface-delta.js';
import { crossedBoundary, localDate, periodStartFor } from './period.js';
import { bytesPerSecond, rateWindowMs } from './rate.js';
import { detectReboot, type RebootSignal } from './reboot.js';

/** Everything needed to continue counting after a restart of the bridge. JSON-serialisable. */
export interface TrafficState {
  /** last counters per interface name */
  interfaces: Record<string, CounterEntry>;
  totalUpBytes: number;
  totalDownBytes: number;
  lastAtMs: number;
  lastUptimeS: number;
  /** local date (YYYY-MM-DD) the current accounting period started */
  periodStart: string;
}

export interface TrafficObservation {
  /** Epoch ms when the counters were read. */
  atMs: number;
  /** The router's uptime in seconds at that time. */
  uptimeS: number;
  counters: InterfaceCounter[];
}

export interface TrafficOptions {
  /** 1–28: a new period starts at 00:00 local time on this day of the month; absent: never. */
  resetDay?: number;
  /** IANA zone for "local time"; default the host's. */
  timeZone?: string;
}

/** Something worth a log line; the caller decides the level. Never holds a secret. */
export type TrafficEvent =
  | { kind: 'baseline'; interfaces: string[] }
  | { kind: 'reboot'; signal: RebootSignal; uptimeS: number; previousUptimeS: number; elapsedMs: number }
  | { kind: 'counter-reset'; interface: string }
  | { kind: 'interface-recreated'; interface: string; previousId: string; id: string }
  | { kind: 'interface-added'; interface: string }
  | {
      kind: 'period-rollover';
      previousPeriodStart: string;
      periodStart: string;
      previousTotalUpBytes: number;
      previousTotalDownBytes: number;
    }
  | { kind: 'rate-suppressed'; reason: 'long-gap' | 'clock-backwards' | 'no-time-passed'; elapsedMs: number };

export interface TrafficStep {
  state: TrafficState;
  reading: TrafficReading;
  events: TrafficEvent[];
}

/**
 * One observation into the accounting: new state, the reading to report, and what happened.
 *
 * Without previous state (first run, or the state file was lost) the observation is only a
 * baseline: counters that were running before we looked are not our traffic.
 *
 * Period rollover: the delta of the interval that crosses 00:00 of the reset day goes to
 * the new period. The old period's totals have already been reported and the dashboard
 * cannot amend them, so the only alternatives would be dropping that traffic or spreading
 * it by guesswork; an interval is normally seconds long, and for a bridge that was down
 * over the boundary there is no way to tell on which side the traffic fell.
 */
export function advanceTraffic(prev: TrafficState | undefined, obs: TrafficObservation, opts: TrafficOptions): TrafficStep {
  if (!prev) return baseline(obs, opts);

  const events: TrafficEvent[] = [];
  const elapsedMs = obs.atMs - prev.lastAtMs;

  const reboot = detectReboot(prev, obs);
  if (reboot) {
    events.push({ kind: 'reboot', signal: reboot, uptimeS: obs.uptimeS, previousUptimeS: prev.lastUptimeS, elapsedMs });
  }

  const step = measureInterfaces(prev.interfaces, obs.counters, reboot !== undefined);
  for (const c of step.changes) {
    if (c.change === 'baseline') events.push({ kind: 'interface-added', interface: c.name });
    else if (c.change === 'counter-reset') events.push({ kind: 'counter-reset', interface: c.name });
    else if (c.change === 'recreated') {
      events.push({ kind: 'interface-recreated', interface: c.name, previousId: c.previousId ?? '', id: c.id });
    }
  }

  let totalUpBytes = prev.totalUpBytes;
  let totalDownBytes = prev.totalDownBytes;
  let periodStart = prev.periodStart;
  const boundary = opts.resetDay === undefined ? undefined : crossedBoundary(prev, obs.atMs, opts.resetDay, opts.timeZone);
  if (boundary !== undefined) {
    events.push({
      kind: 'period-rollover',
      previousPeriodStart: prev.periodStart,
      periodStart: boundary,
      previousTotalUpBytes: totalUpBytes,
      previousTotalDownBytes: totalDownBytes,
    });
    totalUpBytes = 0;
    totalDownBytes = 0;
    periodStart = boundary;
  }
  totalUpBytes += Number(step.txBytes);
  totalDownBytes += Number(step.rxBytes);

  const windowMs = rateWindowMs(elapsedMs, reboot ? obs.uptimeS : undefined);
  if (windowMs === undefined) {
    const reason = elapsedMs < 0 ? 'clock-backwards' : elapsedMs === 0 ? 'no-time-passed' : 'long-gap';
    events.push({ kind: 'rate-suppressed', reason, elapsedMs });
  }

  return {
    state: {
      interfaces: step.interfaces,
      totalUpBytes,
      totalDownBytes,
      lastAtMs: obs.atMs,
      lastUptimeS: obs.uptimeS,
      periodStart,
    },
    reading: {
      upBps: bytesPerSecond(step.txBytes, windowMs),
      downBps: bytesPerSecond(step.rxBytes, windowMs),
      totalUpBytes,
      totalDownBytes,
    },
    events,
  };
}

function baseline(obs: TrafficObservation, opts: TrafficOptions): TrafficStep {
  const today = localDate(obs.atMs, opts.timeZone);
  // Without previous state there is no delta, only the counters to measure the next one from.
  const { interfaces } = measureInterfaces({}, obs.counters, false);
  return {
    state: {
      interfaces,
      totalUpBytes: 0,
      totalDownBytes: 0,
      lastAtMs: obs.atMs,
      lastUptimeS: obs.uptimeS,
      periodStart: opts.resetDay === undefined ? today : periodStartFor(today, opts.resetDay),
    },
    reading: { upBps: 0, downBps: 0, totalUpBytes: 0, totalDownBytes: 0 },
    events: [{ kind: 'baseline', interfaces: Object.keys(interfaces) }],
  };
}
