/**
 * What the running fleet shows of itself: one view per router, including each attached
 * integration's delivery state. Pure types, read by the status server, the systemd
 * watchdog and integrations that serve their own read APIs (the Nezha v0 API).
 */
import type { ExtendedView, RouterSample } from './model.js';

export type PollState = 'starting' | 'up' | 'down' | 'backoff';

/** One integration's delivery state for one router (see RouterPart.status). */
export interface PartView {
  /** The integration's name, e.g. "komari". */
  integration: string;
  /** Epoch ms of the last sample the dashboard accepted. */
  lastSuccessAt: number | undefined;
  /** Epoch ms and text of the last failure; cleared by the next success. */
  lastErrorAt: number | undefined;
  lastError: string | undefined;
  /** True while a send is in flight or a sample waits for one. */
  sending: boolean;
  /** Age in ms of the sample waiting to be sent (0 when none waits). */
  queueAgeMs: number;
  /** Samples replaced before they could be sent ("latest sample wins"). */
  dropped: number;
}

export interface RouterView {
  name: string;
  state: PollState;
  lastSample: RouterSample | undefined;
  lastSuccessAt: number | undefined;
  lastError: string | undefined;
  lastErrorCode: string | undefined;
  lastPollMs: number | undefined;
  degraded: string[];
  lastPing: { value: number; at: number } | undefined;
  /** One entry per attached integration, in registration order. */
  parts: PartView[];
  /** Extended collectors: each one's state and the latest reading (undefined: none configured). */
  extended?: ExtendedView;
  /** The router's accounting (identity, last event, totals in memory and on disk); undefined before its first poll. */
  accounting?: AccountingView | undefined;
}

/** What support needs to explain a router's totals; totals as exact decimal strings. */
export interface AccountingView {
  deviceId: string | undefined;
  lastEvent: { kind: string; atMs: number } | undefined;
  totalUpBytes: string;
  totalDownBytes: string;
  persistedTotalUpBytes: string | undefined;
  persistedTotalDownBytes: string | undefined;
  persistedAtMs: number | undefined;
}

/** What the status server, the watchdog and read APIs see of the running fleet. */
export interface FleetView {
  view(): RouterView[];
  /** The tag of a router (the Nezha v0 API's `tag`), undefined when untagged or unknown. */
  tagOf(router: string): string | undefined;
}

/** The order of routers in /status and `viewsByName`: by name, as the locale compares them. */
export function byRouterName(a: string, b: string): number {
  return a.localeCompare(b);
}

/** The fleet's views plus the progress signal behind /healthz and the systemd watchdog. */
export interface FleetHealth {
  view(): RouterView[];
  /**
   * The same views by router name, each made when it is reached: /status writes a large
   * fleet router by router and gives the event loop its turn between them. A router removed
   * meanwhile is left out. Without it, /status sorts `view()`.
   */
  viewsByName?(): Iterable<RouterView>;
  /** True while every router loop makes progress (dashboards play no part). */
  healthy(now: number, startedAt: number): boolean;
}
