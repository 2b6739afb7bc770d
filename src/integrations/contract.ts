/**
 * The one way to plug something into the routers: an Integration. Komari and Nezha are
 * integrations; so is anything else that consumes samples. Each is one folder exporting one
 * factory, registered on one line of the list in `src/registry.ts`.
 *
 * Life cycle, all driven by the bridge:
 * 1. `create(config, deps)` once per configuration (again after a SIGHUP that changes the
 *    integration's own settings). Returns undefined when the config does not enable it.
 *    It only stores its arguments and builds what the fleet shares (a client, a channel).
 * 2. `attach(ctx)` once per router; undefined when this router does not use it. It builds
 *    the router's part and must not start timers or open sockets (that is `start`).
 * 3. `part.start()`, then `part.offer(sample)` after every successful poll, then
 *    `part.stop()` when the router is removed, changed or the daemon stops.
 * 4. `close()` after every part of this instance was stopped.
 *
 * The bridge calls each step with isolation: a part that throws in attach, start, offer or
 * stop is logged with its integration's name and changes nothing for the other parts or
 * routers. A part never makes the poll wait: `offer` returns at once ("latest sample wins",
 * see handoff.ts), so a slow or dead dashboard shows in `status()`, never in polling or in
 * health.
 */
import type { FleetLines } from '../fleet-lines.js';
import type { Config, RouterConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { RouterSample } from '../model.js';
import type { BridgeIcmp } from '../probes/bridge-icmp.js';
import type { HttpProber } from '../probes/http-probe.js';
import type { RouterRest } from '../routeros/rest.js';
import type { FleetView, PartView } from '../router-view.js';
import type { RouterState } from '../state/schema.js';
import type { StatusRoute } from '../status-section.js';
import type { Telemetry } from '../telemetry.js';
import type { Clock } from '../time/timers.js';
import type { CancelSignal } from '../time/cancel.js';

/** Probes every integration shares: one raw ICMP socket and one HTTP prober per process. */
export interface SharedProbes {
  icmp: BridgeIcmp;
  http: HttpProber;
}

/** What the composition root hands every integration factory. */
export interface IntegrationDeps {
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** tikprobe's version (shown as the agent version on dashboards). */
  version: string;
  probes: SharedProbes;
  telemetry: Telemetry;
  /** The running fleet, for read APIs an integration serves (late-bound: empty before start). */
  fleet: FleetView;
  /** Fleet-wide limits on the lines many routers say at once (a dashboard outage); absent: every line is logged. */
  lines?: FleetLines;
  /** Worker threads of this process, each with its own instance: split fleet-wide connection budgets by it (default 1). */
  workers?: number;
}

/** One router's durable state, as an integration may read and extend it. */
export interface RouterStateAccess {
  /** The state loaded before `attach` (never undefined: an empty state for a new router). */
  get(): RouterState;
  /** Changes fields; written by the next batched flush. */
  update(patch: Partial<RouterState>): void;
  /** Changes fields and resolves once they are on disk (e.g. a registration before its first use). */
  saveNow(patch: Partial<RouterState>): Promise<void>;
}

/** What an integration gets for one router. */
export interface RouterContext {
  readonly router: RouterConfig;
  /** The router's REST client (its one dispatcher); pass an CancelSignal to every call. */
  readonly rest: RouterRest;
  /** A child logger with `router` set. */
  readonly logger: Logger;
  /** Whether the router answered its last poll. */
  isUp(): boolean;
  readonly state: RouterStateAccess;
}

/** Everything one integration does for one router. */
export interface RouterPart {
  /** Starts the part's own work (loops, registration) in the background. Never awaited long, never throws for remote failures. */
  start(): void;
  /** The newest sample. Returns at once and never throws; the part sends it when it can. */
  offer(sample: RouterSample): void;
  /** Aborts in-flight remote requests at once, clears every timer, closes what the part opened. */
  stop(): Promise<void>;
  /** Delivery state for /status and /metrics. */
  status(): Omit<PartView, 'integration'>;
  /** The part's latest ping-task result, if it runs ping tasks. */
  lastPing?(): { value: number; at: number } | undefined;
}

export interface Integration {
  readonly name: string;
  attach(ctx: RouterContext): RouterPart | undefined;
  /** Extra endpoints on the status server (e.g. the Nezha v0 API). */
  routes?(): StatusRoute[];
  /** Events of the whole fleet this integration wants (e.g. every ping-task result for a history). */
  listen?: Partial<Telemetry>;
  /** Releases what the fleet shares; every part was stopped before. */
  close(): Promise<void>;
}

/** An integration's factory: undefined when the configuration does not enable it. */
export type IntegrationFactory = (config: Config, deps: IntegrationDeps) => Integration | undefined;

/** The integration's settings that, when changed by a reload, rebuild it (and re-attach every router). */
export type SettingsKey = (config: Config) => unknown;
