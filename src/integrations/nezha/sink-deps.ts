import type { FleetLines } from '../../fleet-lines.js';
import type { Logger } from '../../log.js';
import type { RouterInfo } from '../../model.js';
import type { HttpOutcome } from '../../probes/http-probe.js';
import type { PingVia } from '../../probes/kinds.js';
import type { Measure } from '../../probes/measure.js';
import type { Telemetry } from '../../telemetry.js';
import type { Clock } from '../../time/timers.js';
import type { NezhaDashboard } from './dashboard.js';
import type { CancelSignal } from '../../time/cancel.js';

/** What one router's Nezha sink is built from (see index.ts). */
export interface NezhaSinkDeps {
  router: string;
  /** The node's UUID, already validated, or how to resolve it at the first connection (see node-identity.ts). */
  uuid: string | ((info: RouterInfo) => Promise<string>);
  dashboard: NezhaDashboard;
  /** Whether the router answered its last poll. */
  isRouterUp: () => boolean;
  measure: Measure;
  /** HTTP GET by the Nezha agent's rule (body read, certificate data); without it, `measure` is used. */
  httpGet?: (url: string, options: { signal: CancelSignal; timeoutMs: number }) => Promise<HttpOutcome>;
  ping: { via: PingVia; count: number };
  /** A sample older than this is not sent: the router is treated as unreachable. */
  staleAfterMs: number;
  /** tikprobe's version, shown as the agent version. */
  version: string;
  clock: Clock;
  random: () => number;
  logger: Logger;
  /** Fleet-wide limits on the lines a condition of many routers at once says (a dashboard outage). */
  lines?: FleetLines;
  /** Receives every task result (the v0 API's monitor history listens). */
  telemetry: Telemetry;
  /** A boot time kept from an earlier run (Unix s), and where a new one is saved. */
  bootTime?: { restored: number | undefined; save(bootTimeS: number): void };
}
