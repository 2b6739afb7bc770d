/**
 * Which probe measures a task, and the timeouts each gets. Pure.
 *
 * Timeouts: every probe must end before the task's next run, so a probe gets at most 80 %
 * of the task interval, and never more than 10 s (Komari's agent gives ICMP 3 s; a target
 * that needs more than 10 s is lost for practical purposes). A router-side ping is a REST
 * request that RouterOS answers when all `count` echoes (200 ms apart) are done; it gets
 * `count × 200 ms` plus a 3 s margin for the last echo's own wait and the REST round trip,
 * also capped at 80 % of the interval — at most 5 s for count 10, far below the router's
 * 60 s command limit. For short intervals the echo count is reduced so the echoes fit in
 * half the interval (see `routerPingCount`).
 */
import { httpUrl, icmpHost, type HostPort, type Parsed, tcpAddress } from './targets.js';

export type PingVia = 'router' | 'bridge';

export type Probe =
  | { kind: 'router-icmp'; host: string; count: number }
  | { kind: 'bridge-icmp'; host: string }
  | { kind: 'tcp'; address: HostPort }
  | { kind: 'http'; url: string };

export type ProbeKind = Probe['kind'];

/** RouterOS `/ping` `interval` sent with every router-side ping. */
export const ROUTER_PING_INTERVAL = '200ms';
const ROUTER_PING_INTERVAL_MS = 200;
const ROUTER_PING_MARGIN_MS = 3000;
const MAX_PROBE_TIMEOUT_MS = 10_000;
const INTERVAL_SHARE = 0.8;

/** Router-side probes go through the router's REST API; all others run on this host. */
export function isRouterSide(kind: ProbeKind): boolean {
  return kind === 'router-icmp';
}

/**
 * Echoes per router-side ping: the configured count, reduced for short task intervals so
 * the echoes take at most half the interval (a 1 s task with count 10 would otherwise
 * always time out and never produce a value).
 */
export function routerPingCount(count: number, intervalS: number): number {
  const fit = Math.floor((intervalS * 1000 * 0.5) / ROUTER_PING_INTERVAL_MS);
  return Math.max(1, Math.min(count, fit));
}

export interface TaskShape {
  type: string;
  target: string;
  /** Seconds. */
  interval: number;
}

/**
 * The probe for a task, or why it cannot be run. `type` is matched case-insensitively;
 * `count` is the configured echoes per router-side ping.
 */
export function probeFor(task: TaskShape, via: PingVia, count: number): Parsed<Probe> {
  const { type, target } = task;
  switch (type.trim().toLowerCase()) {
    case 'icmp': {
      const host = icmpHost(target);
      if (!host.ok) return host;
      return via === 'router'
        ? { ok: true, value: { kind: 'router-icmp', host: host.value, count: routerPingCount(count, task.interval) } }
        : { ok: true, value: { kind: 'bridge-icmp', host: host.value } };
    }
    case 'tcp': {
      const address = tcpAddress(target);
      return address.ok ? { ok: true, value: { kind: 'tcp', address: address.value } } : address;
    }
    case 'http': {
      const url = httpUrl(target);
      return url.ok ? { ok: true, value: { kind: 'http', url: url.value } } : url;
    }
    default:
      return { ok: false, reason: `unknown type ${JSON.stringify(type.slice(0, 20))} (known: icmp, tcp, http)` };
  }
}

/** Timeout of one bridge-side probe (ICMP echo, TCP connect, HTTP headers). */
export function probeTimeoutMs(intervalS: number): number {
  return Math.round(Math.min(intervalS * 1000 * INTERVAL_SHARE, MAX_PROBE_TIMEOUT_MS));
}

/** REST request timeout of one router-side `/ping` of `count` echoes. */
export function routerPingTimeoutMs(count: number, intervalS: number): number {
  const expected = count * ROUTER_PING_INTERVAL_MS + ROUTER_PING_MARGIN_MS;
  return Math.round(Math.min(expected, intervalS * 1000 * INTERVAL_SHARE));
}
