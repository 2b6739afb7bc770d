/**
 * Per-task ping series: one per router, integration and task id, labelled with the task's
 * name and type. The round-trip gauge is NaN after a loss (a graph shows a gap and an alert
 * on the RTT does not see a stale good value); `tikprobe_ping_success` says which. Task names
 * come from a dashboard: each label value is cut to 120 characters and a router keeps at most
 * MAX_TASKS_PER_ROUTER tasks (the one updated longest ago goes). Pure.
 */
import type { MonitorRef } from '../telemetry.js';
import { withKey } from '../with-key.js';
import type { Labels, Sample, ScalarFamily } from './prom-text.js';

export const MAX_TASKS_PER_ROUTER = 256;
const MAX_LABEL_CHARS = 120;

interface TaskSeries {
  labels: Labels;
  ok: number;
  loss: number;
  rttS: number;
  at: number;
}

export class PingSeries {
  private readonly routers = new Map<string, Map<string, TaskSeries>>();

  record(router: string, monitor: MonitorRef, at: number, delayMs: number | undefined): void {
    let tasks = this.routers.get(router);
    if (tasks === undefined) {
      tasks = new Map();
      this.routers.set(router, tasks);
    }
    const key = `${monitor.source}\u0000${monitor.id}`;
    const labels: Labels = {
      router,
      integration: monitor.source,
      task_id: String(monitor.id),
      task: monitor.name.slice(0, MAX_LABEL_CHARS),
      type: monitor.type,
    };
    let s = tasks.get(key);
    if (s === undefined) {
      s = { labels, ok: 0, loss: 0, rttS: Number.NaN, at };
      tasks.set(key, s);
      if (tasks.size > MAX_TASKS_PER_ROUTER) evictOldest(tasks);
    } else if (JSON.stringify(s.labels) !== JSON.stringify(labels)) {
      // Renamed or retyped: a new series from zero (counters of the old labels end).
      s = { labels, ok: 0, loss: 0, rttS: Number.NaN, at };
      tasks.set(key, s);
    }
    const lost = delayMs === undefined || !Number.isFinite(delayMs) || delayMs < 0;
    if (lost) s.loss++;
    else s.ok++;
    s.rttS = lost ? Number.NaN : delayMs / 1000;
    s.at = at;
  }

  retain(routers: ReadonlySet<string>): void {
    for (const name of this.routers.keys()) if (!routers.has(name)) this.routers.delete(name);
  }

  families(): ScalarFamily[] {
    const all = [...this.routers.values()].flatMap((m) => [...m.values()]);
    const results: Sample[] = [];
    for (const s of all) {
      results.push({ labels: withKey(s.labels, 'result', 'ok'), value: s.ok }, { labels: withKey(s.labels, 'result', 'loss'), value: s.loss });
    }
    return [
      {
        name: 'tikprobe_ping_results_total',
        help: 'Ping-task results by router, integration, task and result (ok or loss).',
        type: 'counter',
        samples: results,
      },
      {
        name: 'tikprobe_ping_rtt_seconds',
        help: 'Round-trip time of the latest result of each ping task; NaN when that result was a loss.',
        type: 'gauge',
        samples: all.map((s) => ({ labels: s.labels, value: s.rttS })),
      },
      {
        name: 'tikprobe_ping_success',
        help: '1 when the latest result of the ping task was answered, 0 when it was a loss.',
        type: 'gauge',
        samples: all.map((s) => ({ labels: s.labels, value: Number.isNaN(s.rttS) ? 0 : 1 })),
      },
      {
        name: 'tikprobe_ping_last_result_timestamp_seconds',
        help: 'Unix time of the latest result of the ping task.',
        type: 'gauge',
        samples: all.map((s) => ({ labels: s.labels, value: s.at / 1000 })),
      },
    ];
  }
}

function evictOldest(tasks: Map<string, TaskSeries>): void {
  let oldestKey: string | undefined;
  let oldest = Number.POSITIVE_INFINITY;
  for (const [key, s] of tasks) {
    if (s.at < oldest) {
      oldest = s.at;
      oldestKey = key;
    }
  }
  if (oldestKey !== undefined) tasks.delete(oldestKey);
}
