/**
 * The whole fleet as the main thread sees it in worker mode: every worker's latest snapshot
 * joined in configuration order (for /status, /metrics, the systemd notifier and read APIs),
 * the health of all of them, and a `workers` block of its own in /status and /metrics.
 */
import type { Config } from '../config/schema.js';
import type { MetricFamily } from '../metric-family.js';
import type { FleetHealth, FleetView, RouterView } from '../router-view.js';
import type { StatusSection } from '../status-section.js';
import { joinRelayedSections } from './relayed-sections.js';
import type { WorkerThread } from './thread.js';

export class WorkerFleet implements FleetHealth, FleetView {
  private order = new Map<string, number>();
  private tags = new Map<string, string | undefined>();

  constructor(
    private readonly threads: readonly WorkerThread[],
    config: Config,
  ) {
    this.configure(config);
  }

  configure(config: Config): void {
    this.order = new Map(config.routers.map((r, i) => [r.name, i]));
    this.tags = new Map(config.routers.map((r) => [r.name, r.tag]));
  }

  view(): RouterView[] {
    const views = this.threads.flatMap((t) => t.snapshot?.views ?? []);
    const at = (v: RouterView) => this.order.get(v.name) ?? Number.MAX_SAFE_INTEGER;
    return views.sort((a, b) => at(a) - at(b));
  }

  tagOf(router: string): string | undefined {
    return this.tags.get(router);
  }

  /** Every worker's last snapshot is healthy and fresh: a stalled or dead worker turns it false. */
  healthy(now: number): boolean {
    return this.threads.every((t) => t.healthy(now));
  }

  /** The workers' own sections (e.g. `load`), one per name, each worker's part labelled. */
  relayedSections(): StatusSection[] {
    return joinRelayedSections(this.threads.map((t) => ({ index: t.index, sections: t.snapshot?.sections })));
  }

  section(): StatusSection {
    return {
      name: 'workers',
      status: () =>
        this.threads.map((t) => ({ index: t.index, state: t.state, routers: t.routers, restarts: t.restarts, snapshotAt: t.snapshot ? new Date(t.snapshot.at).toISOString() : null })),
      metrics: () => workerFamilies(this.threads),
    };
  }
}

function workerFamilies(threads: readonly WorkerThread[]): MetricFamily[] {
  const labels = (t: WorkerThread) => ({ worker: String(t.index) });
  return [
    {
      name: 'tikprobe_worker_routers',
      help: 'Routers assigned to each worker thread (workers: N).',
      type: 'gauge',
      samples: threads.map((t) => ({ labels: labels(t), value: t.routers })),
    },
    {
      name: 'tikprobe_worker_up',
      help: '1 while the worker thread runs, 0 while it starts or waits to restart.',
      type: 'gauge',
      samples: threads.map((t) => ({ labels: labels(t), value: t.state === 'running' ? 1 : 0 })),
    },
    {
      name: 'tikprobe_worker_restarts_total',
      help: 'Times a worker thread stopped unexpectedly and was started again.',
      type: 'counter',
      samples: threads.map((t) => ({ labels: labels(t), value: t.restarts })),
    },
  ];
}
