/**
 * Runs one router's Komari ping tasks: re-reads the task list every `pingTasksIntervalMs`,
 * runs each task on its own interval (random first offset, fixed grid afterwards, missed
 * slots skipped rather than bunched), and posts every result as soon as it exists. Every
 * cadence is a loop of the shared timer loop (time/loop.ts) on the injected clock, so a
 * stopped scheduler leaves no timer behind.
 *
 * Bounds:
 * - one run per task at a time: a slot that comes while the previous run is still going is
 *   skipped (no result is invented for it);
 * - router-side pings one at a time, bridge-side probes four at a time (task-measure.ts);
 * - at most MAX_TASKS_PER_ROUTER (50) tasks run per router, at most MAX_LIST_ENTRIES entries
 *   are looked at, and an interval below MIN_TASK_INTERVAL_S is raised to it (task-filter.ts);
 * - at most MAX_POSTS_IN_FLIGHT (16) result posts per router are in flight; a result beyond
 *   that is dropped and said once (result-poster.ts).
 */
import { errorCode, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import { OnceLog } from '../../once-log.js';
import { deadline, untilAborted } from '../../probes/deadline.js';
import type { Probe } from '../../probes/kinds.js';
import { localRfc3339 } from '../../probes/rfc3339.js';
import { resultValue } from '../../probes/rtt.js';
import { fixedCadence, type Loop } from '../../time/loop.js';
import type { PingSchedulerDeps, PingTaskStatus } from './ping-deps.js';
import { ResultPoster } from './result-poster.js';
import { TaskFilter } from './task-filter.js';
import { SKIP, TaskMeasure } from './task-measure.js';
import type { KomariPingTask, PingResult } from './task-source.js';
import type { CancelSignal } from '../../time/cancel.js';

export type { PingSchedulerDeps, PingTaskStatus } from './ping-deps.js';
export { MAX_LIST_ENTRIES, MAX_TASKS_PER_ROUTER, MIN_TASK_INTERVAL_S } from './task-filter.js';
export { MAX_POSTS_IN_FLIGHT } from './result-poster.js';

interface TaskEntry {
  task: KomariPingTask;
  probe: Probe;
  /** The task's cadence; stopping it aborts its run in flight. */
  loop: Loop;
}

const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

/** A router's tasks, their last results, and the loops being stopped (a removed or changed task). */
interface TaskBook {
  entries: Map<number, TaskEntry>;
  results: Map<number, PingTaskStatus>;
  retiring: Set<Promise<void>>;
}

export class PingScheduler {
  private readonly filter: TaskFilter;
  // Created with the first task: most routers have no ping task, and these cost ~6.5 KB each
  // (two p-limit queues, an AbortController, logs, the task book's three collections) —
  // over 30 MB of heap at 5 000 routers.
  private book: TaskBook | undefined;
  private stopController: AbortController | undefined;
  private posterOnce: ResultPoster | undefined;
  private measureOnce: TaskMeasure | undefined;
  private readonly log: Logger;
  private readonly once: OnceLog;
  private readonly random: () => number;
  private readonly refresher: Loop;
  private started = false;
  private stopped = false;

  constructor(private readonly deps: PingSchedulerDeps) {
    this.log = deps.logger;
    this.once = new OnceLog(this.log, deps.lines);
    this.random = deps.random ?? Math.random;
    this.filter = new TaskFilter(deps, this.log);
    this.refresher = fixedCadence({
      intervalMs: deps.pingTasksIntervalMs,
      startDelayMs: Math.floor(this.random() * (deps.firstFetchSpreadMs ?? 0)),
      firstAtOnce: true,
      armAhead: true,
      clock: deps.clock,
      random: this.random,
      run: (signal) => this.fetchTasks(signal),
      onCrash: (err) => this.log.error({ err: errorMessage(err) }, 'ping task list refresh crashed'),
    });
  }

  /** Fetches the task list now and then every `pingTasksIntervalMs`; tasks start at random offsets. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.refresher.start();
  }

  /** Clears every timer, aborts probes and pending sends, and waits for them to settle. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    const book = this.book;
    const stopping = [this.refresher.stop(), ...(book ? [...[...book.entries.values()].map((e) => e.loop.stop()), ...book.retiring] : [])];
    this.stopController?.abort();
    await Promise.allSettled([...stopping, this.posterOnce?.settled()]);
    await this.measureOnce?.close();
  }

  /** Last result per current task, by task id. */
  lastResults(): PingTaskStatus[] {
    return this.book === undefined ? [] : [...this.book.results.values()].sort((a, b) => a.taskId - b.taskId);
  }

  private get tasks(): TaskBook {
    this.book ??= { entries: new Map(), results: new Map(), retiring: new Set() };
    return this.book;
  }

  private get measure(): TaskMeasure {
    this.measureOnce ??= new TaskMeasure(this.deps, this.log);
    return this.measureOnce;
  }

  private get poster(): ResultPoster {
    this.stopController ??= new AbortController();
    if (this.stopped) this.stopController.abort();
    this.posterOnce ??= new ResultPoster(this.deps.source, this.log, this.stopController.signal, this.deps.retry, this.deps.clock, this.deps.lines);
    return this.posterOnce;
  }

  // ---- task list ----

  private async fetchTasks(signal: CancelSignal): Promise<void> {
    const limit = deadline(signal, this.deps.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
    let tasks: unknown;
    try {
      tasks = await untilAborted(this.deps.source.fetchTasks(limit.signal), limit.signal);
    } catch (err) {
      if (this.stopped) return;
      this.once.report(
        'fetch',
        errorCode(err) ?? (limit.timedOut() ? 'TIMEOUT' : 'UNEXPECTED'),
        'warn',
        { err: errorMessage(err), tasks: this.book?.entries.size ?? 0 },
        'ping task list could not be fetched; keeping the last list',
      );
      return;
    } finally {
      limit.clear();
    }
    if (this.stopped) return;
    this.once.clear('fetch', {}, 'ping task list fetched again');
    // Komari answers `null` for a node without tasks.
    this.reconcile(Array.isArray(tasks) ? tasks : []);
  }

  /** Applies a freshly fetched list: new tasks start, removed ones stop, changed ones restart. */
  private reconcile(tasks: unknown[]): void {
    const selected = this.filter.select(tasks);
    if (selected.length === 0 && this.book === undefined) {
      this.log.debug({ tasks: 0 }, 'ping tasks unchanged');
      return;
    }
    const { entries } = this.tasks;
    const seen = new Set<number>();
    let added = 0;
    let changed = 0;
    for (const { task, probe } of selected) {
      seen.add(task.id);
      const existing = entries.get(task.id);
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
      entries.set(task.id, this.schedule(task, probe));
    }
    const removed = this.removeAllBut(seen);
    const fields = { tasks: entries.size, added, changed, removed };
    if (added + changed + removed > 0) this.log.info(fields, 'ping tasks updated');
    else this.log.debug(fields, 'ping tasks unchanged');
    // Opens the shared raw socket now, so a missing permission is reported at start, once.
    if ([...entries.values()].some((e) => e.probe.kind === 'bridge-icmp')) this.deps.bridgeIcmp.available();
  }

  /** Stops every task not in `keep`; returns how many. */
  private removeAllBut(keep: Set<number>): number {
    let removed = 0;
    const { entries, results } = this.tasks;
    for (const [id, entry] of entries) {
      if (keep.has(id)) continue;
      this.retire(entry);
      entries.delete(id);
      results.delete(id);
      removed += 1;
    }
    return removed;
  }

  // ---- per-task cadence ----

  /** A task's loop: first run at a random offset within its interval, then on the fixed grid. */
  private schedule(task: KomariPingTask, probe: Probe): TaskEntry {
    const intervalMs = task.interval * 1000;
    const loop = fixedCadence({
      intervalMs,
      startDelayMs: Math.floor(this.random() * intervalMs),
      firstAtOnce: true,
      armAhead: true,
      clock: this.deps.clock,
      random: this.random,
      run: (signal) => this.run(entry, signal),
      onCrash: (err) => this.log.error({ taskId: entry.task.id, err: errorMessage(err) }, 'ping task run crashed'),
    });
    const entry: TaskEntry = { task, probe, loop };
    loop.start();
    return entry;
  }

  /** Stops a task's loop and aborts its run in flight; its result, if any, is dropped. */
  private retire(entry: TaskEntry): void {
    const { retiring } = this.tasks;
    const stopping = entry.loop.stop().finally(() => retiring.delete(stopping));
    retiring.add(stopping);
  }

  // ---- one run ----

  /** Never throws: a crash is logged and the task keeps its grid. */
  private async run(entry: TaskEntry, signal: CancelSignal): Promise<void> {
    try {
      const measured = await this.measure.run(entry, signal);
      if (measured === SKIP || signal.aborted) return;
      const at = this.deps.clock.now();
      this.deps.onResult?.(entry.task, at, measured);
      const result: PingResult = { task_id: entry.task.id, value: resultValue(measured), ping_type: entry.task.type, finished_at: localRfc3339(at) };
      this.deliver(entry, result);
    } catch (err) {
      this.log.error({ taskId: entry.task.id, err: errorMessage(err) }, 'ping task run crashed');
    }
  }

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
    this.tasks.results.set(result.task_id, status);
    this.poster.post(result, status);
  }
}

function sameSchedule(a: KomariPingTask, b: KomariPingTask): boolean {
  return a.type === b.type && a.target === b.target && a.interval === b.interval;
}
