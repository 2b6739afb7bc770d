/**
 * Runs one router's Komari ping tasks: re-reads the task list every `pingTasksIntervalMs`,
 * runs each task on its own interval (random first offset, fixed grid afterwards, missed
 * slots skipped rather than bunched), and posts every result as soon as it exists.
 *
 * Bounds:
 * - one run per task at a time: a slot that comes while the previous run is still going is
 *   skipped (no result is invented for it);
 * - at most `limits.router` (1) router-side pings in flight: RouterOS runs one user's REST
 *   requests one at a time, so a metrics poll waits for at most one ping (< 1 s) and the
 *   REST pool's second connection stays free for it;
 * - at most `limits.bridge` (4) bridge-side probes in flight;
 * - every probe has a timeout below its task interval (see kinds.ts);
 * - at most MAX_TASKS_PER_ROUTER (50) tasks run per router, the first in the list; a longer
 *   list is said once at warn with its count (a hostile or mistaken dashboard cannot make
 *   one router probe thousands of targets). At most MAX_LIST_ENTRIES entries are looked at;
 * - a task interval below MIN_TASK_INTERVAL_S (1 s, Komari's own unit) is raised to it;
 * - at most MAX_POSTS_IN_FLIGHT (16) result posts per router are in flight (over a
 *   connection pool of their own, see transport.ts); a result beyond that is dropped and
 *   said once, so results never pile up in memory behind a slow Komari.
 *
 * Results are never invented: a skipped run (router down, `test` policy missing, raw
 * sockets not permitted, REST error, shutdown) posts nothing; only a measured loss is -1.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { errorCode, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { RouterRest } from '../../routeros/rest.js';
import type { BridgeIcmp } from '../../probes/bridge-icmp.js';
import { deadline, untilAborted } from '../../probes/deadline.js';
import { createHttpProber, type HttpProber } from '../../probes/http-probe.js';
import { isRouterSide, type PingVia, type Probe, type ProbeKind, probeTimeoutMs, routerPingTimeoutMs } from '../../probes/kinds.js';
import { createMeasure, type Measure } from '../../probes/measure.js';
import { OnceLog } from '../../once-log.js';
import { type Lookup, systemLookup } from '../../probes/resolve.js';
import { ResultPoster } from './result-poster.js';
import { TaskFilter } from './task-filter.js';
import type { RetryPolicy } from './result-sender.js';
import { localRfc3339 } from '../../probes/rfc3339.js';
import { RouterPingGate } from '../../probes/router-gate.js';
import { resultValue } from '../../probes/rtt.js';
import type { KomariPingTask, PingResult, PingTaskSource } from './task-source.js';

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
  random?: () => number;
  now?: () => number;
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

interface TaskEntry {
  task: KomariPingTask;
  probe: Probe;
  intervalMs: number;
  nextAt: number;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** Aborted when the task is removed or changed, or on stop. */
  abort: AbortController;
}

/** A run that produced no measurement and must post nothing. */
const SKIP = Symbol('skip');
type Measured = number | undefined | typeof SKIP;

export { MAX_LIST_ENTRIES, MAX_TASKS_PER_ROUTER, MIN_TASK_INTERVAL_S } from './task-filter.js';
export { MAX_POSTS_IN_FLIGHT } from './result-poster.js';

/** setTimeout's limit; longer waits are done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

export class PingScheduler {
  private readonly entries = new Map<number, TaskEntry>();
  private readonly filter: TaskFilter;
  private readonly results = new Map<number, PingTaskStatus>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly stopController = new AbortController();
  private readonly poster: ResultPoster;
  private readonly log: Logger;
  private readonly once: OnceLog;
  private readonly gate: RouterPingGate;
  private readonly routerLimit: LimitFunction;
  private readonly bridgeLimit: LimitFunction;
  private readonly now: () => number;
  private readonly random: () => number;
  private http: HttpProber | undefined;
  private measureFn: Measure | undefined;
  private fetchTimer: NodeJS.Timeout | undefined;
  private fetching: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly deps: PingSchedulerDeps) {
    this.log = deps.logger;
    this.once = new OnceLog(this.log);
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.gate = new RouterPingGate(deps.router, this.log, this.now, deps.policyRetryMs);
    this.routerLimit = pLimit(deps.limits?.router ?? 1);
    this.bridgeLimit = pLimit(deps.limits?.bridge ?? 4);
    this.filter = new TaskFilter(deps, this.log);
    this.poster = new ResultPoster(deps.router, deps.source, this.log, this.stopController.signal, deps.retry);
  }

  /** Fetches the task list now and then every `pingTasksIntervalMs`; tasks start at random offsets. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const spreadMs = this.deps.firstFetchSpreadMs ?? 0;
    const spread = spreadMs > 0 ? Math.floor(this.random() * spreadMs) : 0;
    if (spread > 0) this.fetchTimer = setTimeout(() => this.refresh(), spread);
    else this.refresh();
  }

  /** Clears every timer, aborts probes and pending sends, and waits for them to settle. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.fetchTimer);
    for (const entry of this.entries.values()) this.retire(entry);
    this.stopController.abort();
    await Promise.allSettled([this.fetching, ...this.inflight, this.poster.settled()]);
    if (this.http && !this.deps.http) {
      const http = this.http;
      this.http = undefined;
      await http.close();
    }
  }

  /** Last result per current task, by task id. */
  lastResults(): PingTaskStatus[] {
    return [...this.results.values()].sort((a, b) => a.taskId - b.taskId);
  }

  // ---- task list ----

  private refresh(): void {
    const fetching = this.fetchTasks().finally(() => {
      if (this.fetching === fetching) this.fetching = undefined;
      if (!this.stopped) this.fetchTimer = setTimeout(() => this.refresh(), this.deps.pingTasksIntervalMs);
    });
    this.fetching = fetching;
  }

  private async fetchTasks(): Promise<void> {
    const limit = deadline(this.stopController.signal, this.deps.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
    let tasks: unknown;
    try {
      tasks = await untilAborted(this.deps.source.fetchTasks(limit.signal), limit.signal);
    } catch (err) {
      if (this.stopped) return;
      this.once.report(
        'fetch',
        errorCode(err) ?? (limit.timedOut() ? 'TIMEOUT' : 'UNEXPECTED'),
        'warn',
        { router: this.deps.router, err: errorMessage(err), tasks: this.entries.size },
        'ping task list could not be fetched; keeping the last list',
      );
      return;
    } finally {
      limit.clear();
    }
    if (this.stopped) return;
    this.once.clear('fetch', { router: this.deps.router }, 'ping task list fetched again');
    // Komari answers `null` for a node without tasks.
    this.reconcile(Array.isArray(tasks) ? tasks : []);
  }

  /** Applies a freshly fetched list: new tasks start, removed ones stop, changed ones restart. */
  private reconcile(tasks: unknown[]): void {
    const seen = new Set<number>();
    let added = 0;
    let changed = 0;
    for (const { task, probe } of this.filter.select(tasks)) {
      seen.add(task.id);
      const existing = this.entries.get(task.id);
      if (existing && sameSchedule(existing.task, task)) {
        existing.task = task; // a new name needs no restart
        continue;
      }
      if (existing) {
        this.retire(existing);
        changed += 1;
      } else {
        added += 1;
      }
      this.entries.set(task.id, this.schedule(task, probe));
    }
    let removed = 0;
    for (const [id, entry] of this.entries) {
      if (seen.has(id)) continue;
      this.retire(entry);
      this.entries.delete(id);
      this.results.delete(id);
      removed += 1;
    }

    const fields = { router: this.deps.router, tasks: this.entries.size, added, changed, removed };
    if (added + changed + removed > 0) this.log.info(fields, 'ping tasks updated');
    else this.log.debug(fields, 'ping tasks unchanged');
    // Opens the shared raw socket now, so a missing permission is reported at start, once.
    if ([...this.entries.values()].some((e) => e.probe.kind === 'bridge-icmp')) this.deps.bridgeIcmp.available();
  }

  // ---- per-task timers ----

  private schedule(task: KomariPingTask, probe: Probe): TaskEntry {
    const intervalMs = task.interval * 1000;
    const entry: TaskEntry = {
      task,
      probe,
      intervalMs,
      nextAt: this.now() + Math.floor(this.random() * intervalMs),
      timer: undefined,
      running: undefined,
      abort: new AbortController(),
    };
    this.arm(entry);
    return entry;
  }

  private arm(entry: TaskEntry): void {
    const delay = Math.min(MAX_TIMER_MS, entry.nextAt - this.now());
    // Due now (a zero random offset): run at once; a 0 ms timer would still be ≥ 1 ms late.
    if (delay <= 0) this.fire(entry);
    else entry.timer = setTimeout(() => this.fire(entry), delay);
  }

  private fire(entry: TaskEntry): void {
    if (this.stopped || entry.abort.signal.aborted) return;
    const at = this.now();
    if (at < entry.nextAt) {
      this.arm(entry); // a step of a wait longer than setTimeout allows
      return;
    }
    // Next slot on the grid; slots already past are skipped, not run in a burst.
    do entry.nextAt += entry.intervalMs;
    while (entry.nextAt <= at);
    this.arm(entry);
    if (entry.running !== undefined) {
      this.log.debug({ router: this.deps.router, taskId: entry.task.id }, 'previous run still in flight; slot skipped');
      return;
    }
    const run = this.run(entry)
      .catch((err: unknown) => {
        this.log.error({ router: this.deps.router, taskId: entry.task.id, err: errorMessage(err) }, 'ping task run crashed');
      })
      .finally(() => {
        entry.running = undefined;
        this.inflight.delete(run);
      });
    entry.running = run;
    this.inflight.add(run);
  }

  /** Stops a task's timer and aborts its run in flight; its result, if any, is dropped. */
  private retire(entry: TaskEntry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.abort.abort();
  }

  // ---- one run ----

  private async run(entry: TaskEntry): Promise<void> {
    const measured = isRouterSide(entry.probe.kind)
      ? await this.runRouterSide(entry)
      : await this.bridgeLimit(() => this.measureBridgeSide(entry));
    if (measured === SKIP || entry.abort.signal.aborted) return;
    this.deps.onResult?.(entry.task, this.now(), measured);
    const result: PingResult = {
      task_id: entry.task.id,
      value: resultValue(measured),
      ping_type: entry.task.type,
      finished_at: localRfc3339(this.now()),
    };
    this.deliver(entry, result);
  }

  private async runRouterSide(entry: TaskEntry): Promise<Measured> {
    if (!this.routerSideReady(entry)) return SKIP;
    return this.routerLimit(() => this.measureRouterSide(entry));
  }

  /** Router down or `test` policy missing: skip without queueing (checked again once the slot is free). */
  private routerSideReady(entry: TaskEntry): boolean {
    if (entry.abort.signal.aborted || !this.gate.canRun()) return false;
    if (!this.deps.isRouterUp()) {
      this.log.debug({ router: this.deps.router, taskId: entry.task.id }, 'router is down; router-side ping skipped');
      return false;
    }
    return true;
  }

  private async measureRouterSide(entry: TaskEntry): Promise<Measured> {
    if (!this.routerSideReady(entry)) return SKIP;
    const signal = entry.abort.signal;
    const count = entry.probe.kind === 'router-icmp' ? entry.probe.count : this.deps.count;
    const timeoutMs = routerPingTimeoutMs(count, entry.task.interval);
    try {
      const rtt = await untilAborted(this.measure()(entry.probe, { signal, timeoutMs }), signal);
      this.gate.succeeded();
      this.once.clear('router-ping', { router: this.deps.router }, 'router-side ping works again');
      return rtt;
    } catch (err) {
      if (signal.aborted) return SKIP;
      const code = errorCode(err);
      if (code === 'ROUTER_POLICY') {
        this.gate.policyDenied(err);
        return SKIP;
      }
      // Not a measurement: the REST request failed (timeout, transient error, refused
      // arguments). A -1 here would be an invented loss.
      this.once.report(
        'router-ping',
        code ?? 'UNEXPECTED',
        'warn',
        { router: this.deps.router, taskId: entry.task.id, code, err: errorMessage(err) },
        'router-side ping request failed; no result sent for this run',
      );
      return SKIP;
    }
  }

  private async measureBridgeSide(entry: TaskEntry): Promise<Measured> {
    const signal = entry.abort.signal;
    if (signal.aborted) return SKIP;
    if (entry.probe.kind === 'bridge-icmp' && !this.deps.bridgeIcmp.available()) return SKIP;
    try {
      const rtt = await untilAborted(this.measure()(entry.probe, { signal, timeoutMs: probeTimeoutMs(entry.task.interval) }), signal);
      this.once.clear(`task:${entry.task.id}`);
      return rtt;
    } catch (err) {
      if (signal.aborted || errorCode(err) === 'PING_UNAVAILABLE') return SKIP;
      this.once.report(
        `task:${entry.task.id}`,
        errorCode(err) ?? 'UNEXPECTED',
        'warn',
        { router: this.deps.router, taskId: entry.task.id, err: errorMessage(err) },
        'probe failed unexpectedly; no result sent for this run',
      );
      return SKIP;
    }
  }

  private measure(): Measure {
    if (!this.measureFn) {
      this.measureFn = this.deps.measure;
      if (!this.measureFn) {
        this.http = this.deps.http ?? createHttpProber();
        this.measureFn = createMeasure({
          rest: this.deps.rest,
          bridgeIcmp: this.deps.bridgeIcmp,
          http: this.http,
          lookup: this.deps.lookup ?? systemLookup,
        });
      }
    }
    return this.measureFn;
  }

  // ---- results ----

  /** Records the status and posts in the background (see result-poster.ts). */
  private deliver(entry: TaskEntry, result: PingResult): void {
    const status: PingTaskStatus = {
      taskId: result.task_id,
      name: entry.task.name,
      type: entry.task.type,
      kind: entry.probe.kind,
      value: result.value,
      finishedAt: result.finished_at,
      delivery: 'sending',
    };
    this.results.set(result.task_id, status);
    this.poster.post(result, status);
  }
}

function sameSchedule(a: KomariPingTask, b: KomariPingTask): boolean {
  return a.type === b.type && a.target === b.target && a.interval === b.interval;
}
