/** What a router's ping-task scheduler is given, and what it shows of each task. */
import type { FleetLines } from '../../fleet-lines.js';
import type { Logger } from '../../log.js';
import type { BridgeIcmp } from '../../probes/bridge-icmp.js';
import type { HttpProber } from '../../probes/http-probe.js';
import type { PingVia, ProbeKind } from '../../probes/kinds.js';
import type { Measure } from '../../probes/measure.js';
import type { Lookup } from '../../probes/resolve.js';
import type { RouterRest } from '../../routeros/rest.js';
import type { Clock } from '../../time/timers.js';
import type { RetryPolicy } from './result-sender.js';
import type { KomariPingTask, PingTaskSource } from './task-source.js';

export interface PingSchedulerDeps {
  /** Router name, for log lines. */
  router: string;
  source: PingTaskSource;
  rest: RouterRest;
  /** Where ICMP tasks run: from the router (`/rest/ping`) or from this host. */
  via: PingVia;
  /** Echoes per router-side ICMP measurement (config `ping.count`). */
  count: number;
  pingTasksIntervalMs: number;
  /** False while the router's metrics poll fails: router-side probes are then skipped. */
  isRouterUp: () => boolean;
  /** Used as given: pass a per-router child (e.g. `{ component: 'ping' }`). */
  logger: Logger;
  /** Shared by all routers; created in the composition root. */
  bridgeIcmp: BridgeIcmp;
  /** Fleet-wide limits on the lines a condition of many routers at once says (a Komari outage). */
  lines?: FleetLines;
  /** Every timer of the scheduler (list refresh, task cadences, send retries) and every stamp. */
  clock: Clock;
  /** Random first offset of each task within its interval; default Math.random. */
  random?: () => number;
  /** Shared HTTP prober; when absent the scheduler creates its own and closes it on stop. */
  http?: HttpProber;
  lookup?: Lookup;
  /** Test seam: replaces every real probe. */
  measure?: Measure;
  limits?: { router?: number; bridge?: number };
  retry?: RetryPolicy;
  /** How long router-side pings pause after a missing-`test`-policy refusal. */
  policyRetryMs?: number;
  fetchTimeoutMs?: number;
  /**
   * The first task-list fetch waits a random share of this (default 0: at once), so a large
   * fleet's schedulers do not all ask Komari at the same instant and keep apart afterwards.
   */
  firstFetchSpreadMs?: number;
  /** Every measured result as it is produced (`at` epoch ms, `rttMs` undefined for a loss), before it is posted. */
  onResult?(task: KomariPingTask, at: number, rttMs: number | undefined): void;
}

/** The last result of one task, for status views. */
export interface PingTaskStatus {
  taskId: number;
  name: string;
  type: string;
  kind: ProbeKind;
  /** Integer ms, -1 for loss. */
  value: number;
  finishedAt: string;
  delivery: 'sending' | 'sent' | 'failed';
}
