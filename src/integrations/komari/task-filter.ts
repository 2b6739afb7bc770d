/**
 * Which entries of a Komari ping-task list one router runs. Komari validates nothing, so a
 * hostile or mistaken list is bounded here:
 * - at most MAX_TASKS_PER_ROUTER (50) tasks run, the first runnable ones of the list; a
 *   longer list is said once at warn with its count (and at info when it fits again);
 * - at most MAX_LIST_ENTRIES entries are looked at, skipped ones included, which bounds
 *   the work and the "skipped" warnings (one per task id and reason);
 * - an interval below MIN_TASK_INTERVAL_S (1 s, Komari's own unit) is raised to it.
 */
import type { Logger } from '../../log.js';
import { OnceLog } from '../../once-log.js';
import { type PingVia, type Probe, probeFor } from '../../probes/kinds.js';
import type { KomariPingTask } from './task-source.js';

/** Tasks run per router; the rest of a longer list is ignored (said once). */
export const MAX_TASKS_PER_ROUTER = 50;
/** Entries of a task list looked at, skipped ones included. */
export const MAX_LIST_ENTRIES = 4 * MAX_TASKS_PER_ROUTER;
/** Shortest task interval run, in seconds. */
export const MIN_TASK_INTERVAL_S = 1;

export interface RunnableTask {
  task: KomariPingTask;
  probe: Probe;
}

export class TaskFilter {
  /** Skipped task ids and why (created with the first one: most routers never skip a task). */
  private skipped: Map<number, string> | undefined;
  private readonly once: OnceLog;

  constructor(
    private readonly deps: { router: string; via: PingVia; count: number },
    private readonly log: Logger,
  ) {
    this.once = new OnceLog(log);
  }

  /** The runnable tasks of a fetched list, in list order, at most MAX_TASKS_PER_ROUTER. */
  select(tasks: unknown[]): RunnableTask[] {
    this.sayCap(tasks.length);
    const seen = new Set<number>();
    const out: RunnableTask[] = [];
    for (const raw of tasks.slice(0, MAX_LIST_ENTRIES)) {
      if (out.length >= MAX_TASKS_PER_ROUTER) break;
      const checked = this.check(raw, seen);
      if (!checked) continue;
      seen.add(checked.task.id);
      out.push(checked);
    }
    const skipped = this.skipped;
    if (skipped !== undefined) for (const id of skipped.keys()) if (!tasks.some((t) => isRecord(t) && t.id === id)) skipped.delete(id);
    return out;
  }

  /** Says once (until the list fits again) that the list is longer than a router runs. */
  private sayCap(count: number): void {
    if (count <= MAX_TASKS_PER_ROUTER) {
      this.once.clear('task:cap', {}, 'the ping task list fits the per-router cap again');
      return;
    }
    this.once.report(
      'task:cap',
      'over',
      'warn',
      { tasks: count, cap: MAX_TASKS_PER_ROUTER },
      `Komari hands this router ${count} ping tasks: only the first ${MAX_TASKS_PER_ROUTER} run (per-router cap)`,
    );
  }

  /** A runnable task and its probe, or undefined (logged once per task id) for one that is skipped. */
  private check(raw: unknown, seen: Set<number>): RunnableTask | undefined {
    if (!isRecord(raw) || typeof raw.id !== 'number' || !Number.isInteger(raw.id) || raw.id <= 0) {
      this.once.report('task:malformed', 'malformed', 'warn', {}, 'ping task without a valid id skipped');
      return undefined;
    }
    const id = raw.id;
    const task: KomariPingTask = {
      id,
      name: typeof raw.name === 'string' ? raw.name : '',
      type: typeof raw.type === 'string' ? raw.type : '',
      target: typeof raw.target === 'string' ? raw.target : '',
      interval: typeof raw.interval === 'number' ? raw.interval : Number.NaN,
    };
    if (task.interval > 0 && task.interval < MIN_TASK_INTERVAL_S) task.interval = MIN_TASK_INTERVAL_S;
    let reason: string | undefined;
    let probe: Probe | undefined;
    if (seen.has(id)) reason = 'duplicate task id';
    else if (!(task.interval > 0) || !Number.isFinite(task.interval)) reason = 'interval is not above 0 s';
    else {
      const parsed = probeFor(task, this.deps.via, this.deps.count);
      if (parsed.ok) probe = parsed.value;
      else reason = parsed.reason;
    }
    if (probe) {
      this.skipped?.delete(id);
      return { task, probe };
    }
    if (this.skipped?.get(id) !== reason) {
      this.skipped ??= new Map();
      this.skipped.set(id, reason ?? '');
      this.log.warn({ taskId: id, name: task.name, type: task.type, reason }, 'ping task skipped');
    }
    return undefined;
  }

}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
