import { describe, expect, it } from 'vitest';
import type { RouterView } from '../../src/bridge/router-runner.js';
import { createMetricsRegistry, POLL_BUCKETS_S } from '../../src/status/metrics.js';
import { routerStatus, statusState } from '../../src/status/status-view.js';
import { parseExposition, seriesValue } from './prom-parse.js';

function view(name: string, over: Partial<RouterView> = {}): RouterView {
  return {
    name,
    state: 'starting',
    lastSample: undefined,
    lastSuccessAt: undefined,
    lastError: undefined,
    lastErrorCode: undefined,
    lastPollMs: undefined,
    degraded: [],
    lastPing: undefined,
    parts: [],
    ...over,
  };
}

const scrape = (m: ReturnType<typeof createMetricsRegistry>, views: RouterView[]) =>
  parseExposition(m.render({ views, healthy: true, version: '1.2.3', startedAt: 1_700_000_000_000 }));

describe('the metrics registry', () => {
  it('sorts poll durations into the histogram buckets and counts errors by code', () => {
    const m = createMetricsRegistry();
    m.pollFinished('r1', 20, undefined);
    m.pollFinished('r1', 300, undefined);
    m.pollFinished('r1', 4000, 'ROUTER_TIMEOUT');
    m.pollFinished('r1', 120_000, 'ROUTER_TIMEOUT');
    m.pollFinished('r1', 10, 'ROUTER_AUTH');
    const f = scrape(m, [view('r1')]);
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_bucket', { router: 'r1', le: '0.025' })).toBe(2);
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_bucket', { router: 'r1', le: '0.5' })).toBe(3);
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_bucket', { router: 'r1', le: '5' })).toBe(4);
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_bucket', { router: 'r1', le: String(POLL_BUCKETS_S.at(-1)) })).toBe(4);
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_bucket', { router: 'r1', le: '+Inf' })).toBe(5);
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_sum', { router: 'r1' })).toBeCloseTo(124.33, 5);
    expect(seriesValue(f, 'tikprobe_poll_errors_total', { router: 'r1', code: 'ROUTER_TIMEOUT' })).toBe(2);
    expect(seriesValue(f, 'tikprobe_poll_errors_total', { router: 'r1', code: 'ROUTER_AUTH' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_start_time_seconds')).toBe(1_700_000_000);
  });

  it('counts dashboard answers by status and keeps the last one and the last acceptance per endpoint', () => {
    let now = 1000;
    const m = createMetricsRegistry({ now: () => now });
    m.sinkResult('r1', 'komari', 'report', 200);
    now = 2000;
    m.sinkResult('r1', 'komari', 'report', 200);
    now = 3000;
    m.sinkResult('r1', 'komari', 'report', 400);
    m.sinkResult('r1', 'komari', 'basicInfo', 'error');
    const f = scrape(m, [view('r1')]);
    expect(seriesValue(f, 'tikprobe_sink_requests_total', { router: 'r1', sink: 'komari', endpoint: 'report', status: '200' })).toBe(2);
    expect(seriesValue(f, 'tikprobe_sink_requests_total', { router: 'r1', sink: 'komari', endpoint: 'report', status: '400' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_sink_requests_total', { router: 'r1', sink: 'komari', endpoint: 'basicInfo', status: 'error' })).toBe(1);
    expect(m.sinkEndpoints('r1')).toEqual([
      { sink: 'komari', endpoint: 'report', lastStatus: 400, lastAt: 3000, lastAcceptedAt: 2000 },
      { sink: 'komari', endpoint: 'basicInfo', lastStatus: 'error', lastAt: 3000, lastAcceptedAt: undefined },
    ]);
    expect(m.sinkEndpoints('unknown')).toEqual([]);
  });

  it('counts ping results as ok or loss and keeps the last round-trip time in seconds', () => {
    const m = createMetricsRegistry();
    m.pingResult('r1', 'icmp', 12);
    m.pingResult('r1', 'icmp', -1);
    m.pingResult('r1', 'tcp', 30);
    const f = scrape(m, [view('r1')]);
    expect(seriesValue(f, 'tikprobe_ping_results_total', { router: 'r1', type: 'icmp', result: 'ok' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_ping_results_total', { router: 'r1', type: 'icmp', result: 'loss' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_ping_rtt_seconds', { router: 'r1', type: 'icmp' })).toBe(0.012);
    expect(seriesValue(f, 'tikprobe_ping_rtt_seconds', { router: 'r1', type: 'tcp' })).toBe(0.03);
  });

  it('drops the series of a router removed by a reload', () => {
    const m = createMetricsRegistry();
    m.pollFinished('gone', 10, 'ROUTER_AUTH');
    m.sinkResult('gone', 'komari', 'report', 200);
    m.pollFinished('kept', 10, undefined);
    const f = scrape(m, [view('kept')]);
    expect(seriesValue(f, 'tikprobe_poll_errors_total', { router: 'gone', code: 'ROUTER_AUTH' })).toBeUndefined();
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_count', { router: 'gone' })).toBeUndefined();
    expect(seriesValue(f, 'tikprobe_poll_duration_seconds_count', { router: 'kept' })).toBe(1);
    expect(m.sinkEndpoints('gone')).toEqual([]);
  });

  it('exports degraded collectors and only the up/last-success gauges for routers that never answered', () => {
    const m = createMetricsRegistry();
    const f = scrape(m, [view('r1', { state: 'backoff', lastErrorCode: 'ROUTER_TIMEOUT', degraded: [] }), view('r2', { state: 'up', degraded: ['connections'] })]);
    expect(seriesValue(f, 'tikprobe_router_up', { router: 'r1' })).toBe(0);
    expect(seriesValue(f, 'tikprobe_router_collector_degraded', { router: 'r2', collector: 'connections' })).toBe(1);
    expect(f.get('tikprobe_router_cpu_load_ratio')?.samples).toEqual([]);
  });
});

describe('the /status view', () => {
  it('names the states a person reads: degraded when up with failing collectors', () => {
    expect(statusState(view('a', { state: 'up' }))).toBe('up');
    expect(statusState(view('a', { state: 'up', degraded: ['info'] }))).toBe('degraded');
    expect(statusState(view('a', { state: 'backoff', degraded: ['info'] }))).toBe('backoff');
    expect(statusState(view('a', { state: 'down' }))).toBe('down');
  });

  it('shows times as ISO 8601 and the Komari answers per endpoint', () => {
    const s = routerStatus(
      view('a', { state: 'down', lastError: 'HTTP 401', lastErrorCode: 'ROUTER_AUTH', lastPing: { value: 7, at: Date.UTC(2026, 0, 1) } }),
      [{ sink: 'komari', endpoint: 'report', lastStatus: 401, lastAt: Date.UTC(2026, 0, 1, 0, 0, 5), lastAcceptedAt: undefined }],
    );
    expect(s).toMatchObject({
      state: 'down',
      lastError: { code: 'ROUTER_AUTH', message: 'HTTP 401' },
      lastPing: { valueMs: 7, at: '2026-01-01T00:00:00.000Z' },
      sinks: [{ sink: 'komari', endpoint: 'report', lastStatus: 401, lastAt: '2026-01-01T00:00:05.000Z', lastAcceptedAt: null }],
    });
  });
});
