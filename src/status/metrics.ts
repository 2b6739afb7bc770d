/**
 * The metrics registry: receives the bridge's events (it is the Telemetry) and keeps
 * the counters and the poll-duration histogram; at scrape time it adds the gauges read from
 * the bridge's views and writes the Prometheus text. Observer calls only update numbers in
 * memory: they are on the hot path of every poll and must never throw.
 */
import type { Telemetry } from '../telemetry.js';
import type { RouterView } from '../bridge/router-runner.js';
import { type HistogramSeries, type Labels, type MetricFamily, renderExposition, type Sample } from './prom-text.js';
import { routerFamilies } from './router-metrics.js';

/** Poll durations in seconds: a healthy LAN router answers in tens of ms, the ceiling is the 59 s timeout. */
export const POLL_BUCKETS_S: readonly number[] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ScrapeInput {
  views: readonly RouterView[];
  healthy: boolean;
  version: string;
  /** Epoch ms the bridge started. */
  startedAt: number;
}

/** The last answer of one sink endpoint for one router, for /status. */
export interface SinkEndpointView {
  sink: string;
  endpoint: string;
  /** HTTP status of the last answer, or 'error' when there was none. */
  lastStatus: number | 'error';
  lastAt: number;
  /** Epoch ms of the last 2xx answer, if any. */
  lastAcceptedAt: number | undefined;
}

export interface MetricsRegistry {
  /** The whole Prometheus exposition for this scrape. */
  render(input: ScrapeInput): string;
  /** What each sink endpoint last answered for `router`. */
  sinkEndpoints(router: string): SinkEndpointView[];
}

/** Drops the series of routers no longer configured (after a reload), so memory stays bounded. */
function retainRouters(series: Map<string, { labels: Labels }>, routers: ReadonlySet<string>): void {
  for (const [key, s] of series) if (!routers.has(s.labels.router ?? '')) series.delete(key);
}

class CounterSet {
  private readonly series = new Map<string, { labels: Labels; value: number }>();

  add(labels: Labels, by = 1): void {
    const key = JSON.stringify(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }

  set(labels: Labels, value: number): void {
    this.series.set(JSON.stringify(labels), { labels, value });
  }

  samples(): Sample[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }

  retain(routers: ReadonlySet<string>): void {
    retainRouters(this.series, routers);
  }
}

class HistogramSet {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number }>();

  constructor(readonly bounds: readonly number[]) {}

  observe(labels: Labels, value: number): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 };
      this.series.set(key, s);
    }
    const i = this.bounds.findIndex((b) => value <= b);
    s.counts[i === -1 ? this.bounds.length : i]! += 1;
    s.sum += value;
  }

  snapshot(): HistogramSeries[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, counts: [...s.counts], sum: s.sum }));
  }

  retain(routers: ReadonlySet<string>): void {
    retainRouters(this.series, routers);
  }
}

export function createMetricsRegistry(options: { now?: () => number } = {}): MetricsRegistry & Telemetry {
  const now = options.now ?? Date.now;
  const pollDuration = new HistogramSet(POLL_BUCKETS_S);
  const pollErrors = new CounterSet();
  const sinkRequests = new CounterSet();
  const pingResults = new CounterSet();
  const pingRtt = new CounterSet();
  const endpoints = new Map<string, Map<string, SinkEndpointView>>();

  const prune = (views: readonly RouterView[]) => {
    const names = new Set(views.map((v) => v.name));
    for (const set of [pollDuration, pollErrors, sinkRequests, pingResults, pingRtt]) set.retain(names);
    for (const router of endpoints.keys()) if (!names.has(router)) endpoints.delete(router);
  };

  return {
    pollFinished(router, durationMs, errorCode) {
      pollDuration.observe({ router }, Math.max(0, durationMs) / 1000);
      if (errorCode !== undefined) pollErrors.add({ router, code: errorCode });
    },

    sinkResult(router, sink, endpoint, status) {
      sinkRequests.add({ router, sink, endpoint, status: String(status) });
      let byEndpoint = endpoints.get(router);
      if (!byEndpoint) {
        byEndpoint = new Map();
        endpoints.set(router, byEndpoint);
      }
      const key = `${sink}/${endpoint}`;
      const at = now();
      const accepted = typeof status === 'number' && status >= 200 && status < 300;
      const previous = byEndpoint.get(key);
      byEndpoint.set(key, { sink, endpoint, lastStatus: status, lastAt: at, lastAcceptedAt: accepted ? at : previous?.lastAcceptedAt });
    },

    pingResult(router, taskType, value) {
      const lost = value < 0;
      pingResults.add({ router, type: taskType, result: lost ? 'loss' : 'ok' });
      if (!lost) pingRtt.set({ router, type: taskType }, value / 1000);
    },

    sinkEndpoints(router) {
      return [...(endpoints.get(router)?.values() ?? [])].map((e) => ({ ...e }));
    },

    render(input) {
      prune(input.views);
      const families: MetricFamily[] = [
        {
          name: 'tikprobe_build_info',
          help: 'tikprobe version and Node.js version (always 1).',
          type: 'gauge',
          samples: [{ labels: { version: input.version, node: process.version }, value: 1 }],
        },
        { name: 'tikprobe_start_time_seconds', help: 'Unix time the bridge started.', type: 'gauge', samples: [{ labels: {}, value: input.startedAt / 1000 }] },
        {
          name: 'tikprobe_healthy',
          help: '1 while every router loop ticked within 3 report intervals (the /healthz signal), else 0.',
          type: 'gauge',
          samples: [{ labels: {}, value: input.healthy ? 1 : 0 }],
        },
        {
          name: 'tikprobe_poll_duration_seconds',
          help: 'Duration of each poll of a router, successful or not.',
          type: 'histogram',
          bounds: POLL_BUCKETS_S,
          series: pollDuration.snapshot(),
        },
        {
          name: 'tikprobe_poll_errors_total',
          help: 'Failed polls by router and error code (see docs/troubleshooting.md).',
          type: 'counter',
          samples: pollErrors.samples(),
        },
        {
          name: 'tikprobe_sink_requests_total',
          help: 'Requests to a dashboard by router, sink, endpoint and HTTP status ("error": no answer).',
          type: 'counter',
          samples: sinkRequests.samples(),
        },
        {
          name: 'tikprobe_ping_results_total',
          help: 'Ping-task results by router, task type and result (ok or loss).',
          type: 'counter',
          samples: pingResults.samples(),
        },
        {
          name: 'tikprobe_ping_rtt_seconds',
          help: 'The latest successful ping-task result by router and task type.',
          type: 'gauge',
          samples: pingRtt.samples(),
        },
        ...routerFamilies(input.views),
      ];
      return renderExposition(families);
    },
  };
}
