/**
 * tikprobe's own traffic totals for one router. Pure: no I/O, no logger, no clock (the
 * observation carries its time), so every rule is a unit test.
 *
 * Komari takes `totalUp`/`totalDown` as "bytes used in the current period" and can neither
 * reset nor correct them; a total that goes down is read as a restart and the next value
 * counted again in full. So the totals here only ever grow, except at a period rollover,
 * and every sign of a counter restart on the router is absorbed here instead of being passed on.
 *
 * The rules, in the order they apply to one observation:
 * 1. A different device identity: a new baseline for every interface; nothing added.
 * 2. An uptime signal (reboot.ts) confirmed by the counters (a counter fell, or no interface
 *    to compare): a reboot, the new counter values are the traffic since. Unconfirmed: a
 *    glitch, the deltas continue.
 * 3. Per interface (interface-delta.ts): reset, re-creation, then the link-speed ceiling.
 * 4. Totals are exact bigints, saturating at MAX_TOTAL; readings convert them with
 *    sendableTotal (total.ts).
 *
 * up = transmit (tx), down = receive (rx), summed over the observed interfaces.
 */
import type { InterfaceCounter, TrafficReading } from '../model.js';
import { deviceChanged } from './device.js';
import { type CounterEntry, counterEvidence, type InterfacesStep, measureInterfaces } from './interface-delta.js';
import { crossedBoundary, localDate, periodStartFor } from './period.js';
import { DEFAULT_MAX_BITS_PER_SECOND, deltaCeilingBytes } from './plausibility.js';
import { bytesPerSecond, rateWindowMs } from './rate.js';
import { confirmReboot, detectReboot } from './reboot.js';
import { addTotal, sendableTotal } from './total.js';
import { type AccountingEventKind, interfaceEvents, type TrafficEvent } from './traffic-events.js';

export type { AccountingEventKind, TrafficEvent } from './traffic-events.js';

/** Everything needed to continue counting after a restart of the bridge. */
export interface TrafficState {
  /** last counters per interface name */
  interfaces: Record<string, CounterEntry>;
  /** Exact; decimal strings on disk. */
  totalUpBytes: bigint;
  totalDownBytes: bigint;
  lastAtMs: number;
  lastUptimeS: number;
  /** local date (YYYY-MM-DD) the current accounting period started */
  periodStart: string;
  /** The device identity the counters belong to (collect/device.ts); absent until first read. */
  deviceId?: string;
  /** The last event that changed the shape of the accounting, for /status. */
  lastEvent?: { kind: AccountingEventKind; atMs: number };
}

export interface TrafficObservation {
  /** Epoch ms when the counters were read. */
  atMs: number;
  /** The router's uptime in seconds at that time. */
  uptimeS: number;
  counters: InterfaceCounter[];
  /** The device identity read from the router; undefined when not (yet) known. */
  deviceId?: string;
}

export interface TrafficOptions {
  /** 1–28: a new period starts at 00:00 local time on this day of the month; absent: never. */
  resetDay?: number;
  /** IANA zone for "local time"; default the host's. */
  timeZone?: string;
  /** The ceiling for an interface whose speed is not known (default 100 Gbit/s). */
  maxBitsPerSecond?: number;
  /** Known link speeds by interface name, bits per second. */
  linkBitsPerSecond?: Readonly<Record<string, number>>;
}

export interface TrafficStep {
  state: TrafficState;
  reading: TrafficReading;
  events: TrafficEvent[];
  /** The accounting changed shape (baseline, reboot, new id, new device, ...): persist at once. */
  shapeChanged: boolean;
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
  if (!prev) return baseline(obs, opts, 0n, 0n, [], undefined);
  if (deviceChanged(prev.deviceId, obs.deviceId)) {
    const event: TrafficEvent = { kind: 'device-changed', previousDeviceId: prev.deviceId ?? '', deviceId: obs.deviceId ?? '' };
    return baseline(obs, opts, prev.totalUpBytes, prev.totalDownBytes, [event], prev.periodStart);
  }

  const events: TrafficEvent[] = [];
  const elapsedMs = obs.atMs - prev.lastAtMs;
  const signal = detectReboot(prev, obs);
  const verdict = confirmReboot(signal, counterEvidence(prev.interfaces, obs.counters));
  if (signal && verdict === 'reboot') {
    events.push({ kind: 'reboot', signal, uptimeS: obs.uptimeS, previousUptimeS: prev.lastUptimeS, elapsedMs });
  } else if (signal) {
    events.push({ kind: 'uptime-glitch', signal, uptimeS: obs.uptimeS, previousUptimeS: prev.lastUptimeS, elapsedMs });
  }
  const rebooted = verdict === 'reboot';
  const step = measureInterfaces(prev.interfaces, obs.counters, rebooted, ceilingFor(opts, elapsedMs));
  events.push(...interfaceEvents(step.changes));

  let totalUpBytes = prev.totalUpBytes;
  let totalDownBytes = prev.totalDownBytes;
  let periodStart = prev.periodStart;
  const boundary = opts.resetDay === undefined ? undefined : crossedBoundary(prev, obs.atMs, opts.resetDay, opts.timeZone);
  if (boundary !== undefined) {
    events.push({ kind: 'period-rollover', previousPeriodStart: prev.periodStart, periodStart: boundary, previousTotalUpBytes: totalUpBytes, previousTotalDownBytes: totalDownBytes });
    totalUpBytes = 0n;
    totalDownBytes = 0n;
    periodStart = boundary;
  }
  totalUpBytes = addTotal(totalUpBytes, step.txBytes);
  totalDownBytes = addTotal(totalDownBytes, step.rxBytes);

  const windowMs = rateWindowMs(elapsedMs, rebooted ? obs.uptimeS : undefined);
  if (windowMs === undefined) {
    const reason = elapsedMs < 0 ? 'clock-backwards' : elapsedMs === 0 ? 'no-time-passed' : 'long-gap';
    events.push({ kind: 'rate-suppressed', reason, elapsedMs });
  }
  const state: TrafficState = { interfaces: step.interfaces, totalUpBytes, totalDownBytes, lastAtMs: obs.atMs, lastUptimeS: obs.uptimeS, periodStart };
  return finish(state, prev, obs, events, readingOf(step, windowMs, totalUpBytes, totalDownBytes));
}

/** Fills in the identity and last event, and whether the step must reach the disk at once. */
function finish(state: TrafficState, prev: TrafficState, obs: TrafficObservation, events: TrafficEvent[], reading: TrafficReading): TrafficStep {
  const deviceId = obs.deviceId ?? prev.deviceId;
  if (deviceId !== undefined) state.deviceId = deviceId;
  const shape = lastShapeEvent(events);
  const lastEvent = shape ? { kind: shape, atMs: obs.atMs } : prev.lastEvent;
  if (lastEvent) state.lastEvent = lastEvent;
  // A first identity is worth persisting at once too: it is what a later swap is judged by.
  const shapeChanged = shape !== undefined || (prev.deviceId === undefined && obs.deviceId !== undefined);
  return { state, reading, events, shapeChanged };
}

function readingOf(step: InterfacesStep, windowMs: number | undefined, up: bigint, down: bigint): TrafficReading {
  return {
    upBps: bytesPerSecond(step.txBytes, windowMs),
    downBps: bytesPerSecond(step.rxBytes, windowMs),
    totalUpBytes: sendableTotal(up),
    totalDownBytes: sendableTotal(down),
  };
}

/** The most bytes each interface can carry in `elapsedMs`: its link speed where known, else the configured ceiling. */
function ceilingFor(opts: TrafficOptions, elapsedMs: number): (name: string) => bigint {
  const fallback = deltaCeilingBytes(opts.maxBitsPerSecond ?? DEFAULT_MAX_BITS_PER_SECOND, elapsedMs);
  const links = opts.linkBitsPerSecond;
  if (!links) return () => fallback;
  return (name) => {
    const bps = Object.hasOwn(links, name) ? links[name] : undefined;
    return bps !== undefined && bps > 0 ? deltaCeilingBytes(bps, elapsedMs) : fallback;
  };
}

/** The last event of this step that changed the accounting's shape, if any. */
function lastShapeEvent(events: readonly TrafficEvent[]): AccountingEventKind | undefined {
  let kind: AccountingEventKind | undefined;
  for (const e of events) {
    if (e.kind !== 'rate-suppressed' && e.kind !== 'uptime-glitch') kind = e.kind;
  }
  return kind;
}

/** Counters to measure the next delta from; totals carried over (0 at first sight, kept on a device change). */
function baseline(obs: TrafficObservation, opts: TrafficOptions, up: bigint, down: bigint, events: TrafficEvent[], periodStart: string | undefined): TrafficStep {
  const today = localDate(obs.atMs, opts.timeZone);
  const { interfaces } = measureInterfaces({}, obs.counters, false, () => 0n);
  const all: TrafficEvent[] = [...events, { kind: 'baseline', interfaces: Object.keys(interfaces) }];
  const state: TrafficState = {
    interfaces,
    totalUpBytes: up,
    totalDownBytes: down,
    lastAtMs: obs.atMs,
    lastUptimeS: obs.uptimeS,
    periodStart: periodStart ?? (opts.resetDay === undefined ? today : periodStartFor(today, opts.resetDay)),
    lastEvent: { kind: events[0]?.kind === 'device-changed' ? 'device-changed' : 'baseline', atMs: obs.atMs },
  };
  if (obs.deviceId !== undefined) state.deviceId = obs.deviceId;
  const reading = { upBps: 0, downBps: 0, totalUpBytes: sendableTotal(up), totalDownBytes: sendableTotal(down) };
  return { state, reading, events: all, shapeChanged: true };
}
