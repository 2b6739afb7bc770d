/**
 * The metrics registry: receives the bridge's events (it is the Telemetry) and keeps the
 * counters, the poll-duration histogram, the per-task ping series and each integration's link
 * activity; at scrape time it adds the gauges read from the bridge's views and the process
 * collector, and writes the Prometheus text. Observer calls only update numbers in memory:
 * they are on the hot path of every poll and must never throw.
 *
 * Naming (checked by test/status/conventions.test.ts and, where installed, by
 * `promtool check metrics`): base units (seconds, bytes, ratios), `_total` on counters and
 * only on counters, no `_count`/`_sum`/`_bucket` outside histograms, one label set per family.
 */
import type { RouterView } from '../router-view.js';
import type { Telemetry } from '../telemetry.js';
import { extendedFamilies } from './extended-metrics.js';
import { deliveryFamilies, type LinkActivity, LinkActivityStore } from './integration-metrics.js';
import { PingSeries } from './ping-series.js';
import { createProcessCollector, type ProcessCollector } from './process-metrics.js';
import { expositionPieces, type MetricFamily } from './prom-text.js';
import { routerFamilies } from './router-metrics.js';
import { CounterSet, HistogramSet } from './series-sets.js';

/** Poll durations in seconds: a healthy LAN router answers in tens of ms, the ceiling is the 59 s timeout. */
export const POLL_BUCKETS_S: readonly number[] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ScrapeInput {
  views: readonly RouterView[];
  healthy: boolean;
  version: string;
  /** Epoch ms the bridge started. */
  startedAt: number;
  /** Families of the status sections (the cluster, the bridge's load). */
  extra?: readonly MetricFamily[];
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

export type { LinkActivity };

export interface MetricsRegistry {
  /** The Prometheus exposition for this scrape as pieces, a line each, for a reply written in slices. */
  exposition(input: ScrapeInput): Iterable<string>;
  /** What each sink endpoint last answered for `router`. */
  sinkEndpoints(router: string): SinkEndpointView[];
  /** Each integration's link activity for `router`, by integration name. */
  linkActivity(router: string): ReadonlyMap<string, LinkActivity>;
}

export interface MetricsOptions {
  now?: () => number;
  /** The process and Node.js families; default the real process (tests may pass a fixed one). */
  process?: ProcessCollector;
}

export function createMetricsRegistry(options: MetricsOptions = {}): MetricsRegistry & Required<Telemetry> {
  const now = options.now ?? Date.now;
  const sets: EventSets = {
    processCollector: options.process ?? createProcessCollector(),
    pollDuration: new HistogramSet(POLL_BUCKETS_S),
    pollErrors: new CounterSet(),
    sinkRequests: new CounterSet(),
    pings: new PingSeries(),
    links: new LinkActivityStore(),
    endpoints: new SinkEndpoints(),
  };
  const { pollDuration, pollErrors, sinkRequests, pings, links, endpoints } = sets;

  return {
    pollFinished(router, durationMs, errorCode) {
      pollDuration.observe({ router }, Math.max(0, durationMs) / 1000);
      if (errorCode !== undefined) pollErrors.add({ router, code: errorCode });
    },

    sinkResult(router, sink, endpoint, status) {
      sinkRequests.add({ router, sink, endpoint, status: String(status) });
      endpoints.record(router, sink, endpoint, status, now());
    },

    // Per-task series come from monitorResult, which carries the task's identity.
    pingResult: () => undefined,

    monitorResult(router, monitor, at, delayMs) {
      pings.record(router, monitor, at, delayMs);
    },

    integrationEvent(router, integration, event) {
      links.record(router, integration, event);
    },

    sinkEndpoints: (router) => endpoints.of(router),

    linkActivity: (router) => links.of(router),

    exposition(input) {
      return expositionPieces(scrapeFamilies(input, sets));
    },
  };
}

/** Build, start time and health of the bridge itself. */
function bridgeFamilies(input: ScrapeInput): MetricFamily[] {
  return [
    {
      name: 'tikprobe_build_info',
      help: 'tikprobe version and the Node.js version it runs on (always 1).',
      type: 'gauge',
      samples: [{ labels: { version: input.version, nodejs_version: process.version }, value: 1 }],
    },
    { name: 'tikprobe_start_time_seconds', help: 'Unix time the bridge started.', type: 'gauge', samples: [{ labels: {}, value: input.startedAt / 1000 }] },
    {
      name: 'tikprobe_healthy',
      help: '1 while every router loop makes progress (a request settled or a tick came within 3 report intervals: the /healthz signal), else 0.',
      type: 'gauge',
      samples: [{ labels: {}, value: input.healthy ? 1 : 0 }],
    },
  ];
}

/** What the registry records between scrapes. */
interface EventSets {
  processCollector: ProcessCollector;
  pollDuration: HistogramSet;
  pollErrors: CounterSet;
  sinkRequests: CounterSet;
  pings: PingSeries;
  links: LinkActivityStore;
  endpoints: SinkEndpoints;
}

/**
 * The families of one scrape, group by group, so that a reply written in slices gives the
 * event loop its turn between them. Series of routers no longer configured are dropped first.
 */
function* scrapeFamilies(input: ScrapeInput, sets: EventSets): Generator<MetricFamily> {
  const names = new Set(input.views.map((v) => v.name));
  for (const set of [sets.pollDuration, sets.pollErrors, sets.sinkRequests, sets.pings, sets.links, sets.endpoints]) set.retain(names);
  yield* bridgeFamilies(input);
  yield* eventFamilies(sets.pollDuration, sets.pollErrors, sets.sinkRequests);
  yield* sets.pings.families();
  yield* deliveryFamilies(input.views);
  yield* sets.links.families();
  yield* routerFamilies(input.views);
  yield* extendedFamilies(input.views);
  yield* sets.processCollector.families();
  yield* input.extra ?? [];
}

/** What each sink endpoint last answered, per router. */
class SinkEndpoints {
  private readonly byRouter = new Map<string, Map<string, SinkEndpointView>>();

  record(router: string, sink: string, endpoint: string, status: number | 'error', at: number): void {
    let byEndpoint = this.byRouter.get(router);
    if (!byEndpoint) {
      byEndpoint = new Map();
      this.byRouter.set(router, byEndpoint);
    }
    const key = `${sink}/${endpoint}`;
    const accepted = typeof status === 'number' && status >= 200 && status < 300;
    // Updated in place (every report of every router lands here; `of` hands out copies).
    const entry = byEndpoint.get(key);
    if (entry === undefined) {
      byEndpoint.set(key, { sink, endpoint, lastStatus: status, lastAt: at, lastAcceptedAt: accepted ? at : undefined });
      return;
    }
    entry.lastStatus = status;
    entry.lastAt = at;
    if (accepted) entry.lastAcceptedAt = at;
  }

  of(router: string): SinkEndpointView[] {
    return [...(this.byRouter.get(router)?.values() ?? [])].map((e) => ({ ...e }));
  }

  retain(routers: ReadonlySet<string>): void {
    for (const router of this.byRouter.keys()) if (!routers.has(router)) this.byRouter.delete(router);
  }
}

/** The families counted from poll and dashboard-request events. */
function eventFamilies(pollDuration: HistogramSet, pollErrors: CounterSet, sinkRequests: CounterSet): MetricFamily[] {
  return [
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
  ];
}
