import { describe, expect, it } from 'vitest';
import type { RouterView } from '../../src/bridge/router-runner.js';
import { createMetricsRegistry, POLL_BUCKETS_S } from '../../src/status/metrics.js';
import type { MonitorRef } from '../../src/telemetry.js';
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
  parseExposition([...m.exposition({ views, healthy: true, version: '1.2.3', startedAt: 1_700_000_000_000 })].join(''));

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
    // What was handed out is a copy: a later answer updates the registry, not it.
    const handed = m.sinkEndpoints('r1');
    now = 4000;
    m.sinkResult('r1', 'komari', 'report', 204);
    expect(handed[0]).toEqual({ sink: 'komari', endpoint: 'report', lastStatus: 400, lastAt: 3000, lastAcceptedAt: 2000 });
    expect(m.sinkEndpoints('r1')[0]).toEqual({ sink: 'komari', endpoint: 'report', lastStatus: 204, lastAt: 4000, lastAcceptedAt: 4000 });
  });

  it('keeps series apart whose label values differ in any label, also where a value ends another', () => {
    const m = createMetricsRegistry();
    m.sinkResult('r.1', 'komari', 'report', 200);
    m.sinkResult('r.1', 'komari', 'report', 200);
    m.sinkResult('r.1', 'komari', 'basicInfo', 200);
    m.sinkResult('r.1-b', 'komari', 'report', 200);
    m.pollFinished('r.1', 10, 'ROUTER_TIMEOUT');
    m.pollFinished('r.1-b', 10, 'ROUTER_TIMEOUT');
    const f = scrape(m, [view('r.1'), view('r.1-b')]);
    expect(seriesValue(f, 'tikprobe_sink_requests_total', { router: 'r.1', sink: 'komari', endpoint: 'report', status: '200' })).toBe(2);
    expect(seriesValue(f, 'tikprobe_sink_requests_total', { router: 'r.1', sink: 'komari', endpoint: 'basicInfo', status: '200' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_sink_requests_total', { router: 'r.1-b', sink: 'komari', endpoint: 'report', status: '200' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_poll_errors_total', { router: 'r.1', code: 'ROUTER_TIMEOUT' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_poll_errors_total', { router: 'r.1-b', code: 'ROUTER_TIMEOUT' })).toBe(1);
  });

  it('labels ping series by task and marks a loss: the RTT gauge is NaN, not the last good value', () => {
    const m = createMetricsRegistry();
    const gw = { source: 'komari', id: 4, name: 'google dns', type: 'icmp' as const };
    const cf = { source: 'komari', id: 5, name: 'cloudflare', type: 'icmp' as const };
    const nz = { source: 'nezha', id: 4, name: 'TCP ping 1.1.1.1:443', type: 'tcp' as const };
    m.monitorResult('r1', gw, 1_000, 12);
    m.monitorResult('r1', cf, 1_500, 30);
    m.monitorResult('r1', nz, 1_800, 7.5);
    m.monitorResult('r1', gw, 2_000, undefined);
    const f = scrape(m, [view('r1')]);
    const labels = (t: MonitorRef) => ({ router: 'r1', integration: t.source, task_id: String(t.id), task: t.name, type: t.type });
    expect(seriesValue(f, 'tikprobe_ping_results_total', { ...labels(gw), result: 'ok' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_ping_results_total', { ...labels(gw), result: 'loss' })).toBe(1);
    expect(seriesValue(f, 'tikprobe_ping_rtt_seconds', labels(gw))).toBeNaN();
    expect(seriesValue(f, 'tikprobe_ping_success', labels(gw))).toBe(0);
    expect(seriesValue(f, 'tikprobe_ping_last_result_timestamp_seconds', labels(gw))).toBe(2);
    // Two tasks of one type, and the same id from two integrations, are separate series.
    expect(seriesValue(f, 'tikprobe_ping_rtt_seconds', labels(cf))).toBe(0.03);
    expect(seriesValue(f, 'tikprobe_ping_success', labels(cf))).toBe(1);
    expect(seriesValue(f, 'tikprobe_ping_rtt_seconds', labels(nz))).toBe(0.0075);
  });

  it('shows each integration: delivery from the views, link activity from the events', () => {
    const m = createMetricsRegistry();
    m.integrationEvent('r1', 'nezha', 'link_up');
    m.integrationEvent('r1', 'nezha', 'state_acknowledged');
    m.integrationEvent('r1', 'nezha', 'state_acknowledged');
    m.integrationEvent('r1', 'nezha', 'task_result');
    m.integrationEvent('r1', 'nezha', 'link_down');
    m.integrationEvent('r1', 'nezha', 'auth_pause');
    m.integrationEvent('r1', 'nezha', 'link_up');
    m.integrationEvent('r1', 'nezha', 'reconnect');
    const part = { integration: 'komari', lastSuccessAt: 10_000, lastErrorAt: 12_000, lastError: 'HTTP 503', sending: true, queueAgeMs: 2500, dropped: 3 };
    const f = scrape(m, [view('r1', { parts: [part] })]);
    const nz = { router: 'r1', integration: 'nezha' };
    expect(seriesValue(f, 'tikprobe_integration_link_up', nz)).toBe(1);
    expect(seriesValue(f, 'tikprobe_integration_states_acknowledged_total', nz)).toBe(2);
    expect(seriesValue(f, 'tikprobe_integration_task_results_total', nz)).toBe(1);
    expect(seriesValue(f, 'tikprobe_integration_auth_pauses_total', nz)).toBe(1);
    expect(seriesValue(f, 'tikprobe_integration_reconnects_total', nz)).toBe(1);
    const km = { router: 'r1', integration: 'komari' };
    expect(seriesValue(f, 'tikprobe_integration_last_success_timestamp_seconds', km)).toBe(10);
    expect(seriesValue(f, 'tikprobe_integration_last_error_timestamp_seconds', km)).toBe(12);
    expect(seriesValue(f, 'tikprobe_integration_failing', km)).toBe(1);
    expect(seriesValue(f, 'tikprobe_integration_queue_age_seconds', km)).toBe(2.5);
    expect(seriesValue(f, 'tikprobe_integration_dropped_samples_total', km)).toBe(3);
    expect(m.linkActivity('r1').get('nezha')).toEqual({ linkUp: true, reconnects: 1, statesAcknowledged: 2, authPauses: 1, taskResults: 1 });
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

  it('shows each integration with its delivery and, for Nezha, its link activity: a dashboard down shows here, not in health', () => {
    const m = createMetricsRegistry();
    m.integrationEvent('r1', 'nezha', 'link_up');
    m.integrationEvent('r1', 'nezha', 'auth_pause');
    m.integrationEvent('r1', 'nezha', 'link_down');
    const down = { integration: 'nezha', lastSuccessAt: undefined, lastErrorAt: Date.UTC(2026, 0, 1), lastError: 'UNAUTHENTICATED', sending: false, queueAgeMs: 0, dropped: 0 };
    const komari = { integration: 'komari', lastSuccessAt: Date.UTC(2026, 0, 1), lastErrorAt: undefined, lastError: undefined, sending: true, queueAgeMs: 4000, dropped: 7 };
    const s = routerStatus(view('r1', { state: 'up', parts: [komari, down] }), [], m.linkActivity('r1'));
    expect(s.state).toBe('up');
    expect(s.integrations).toEqual([
      { integration: 'komari', lastSuccessAt: '2026-01-01T00:00:00.000Z', lastError: null, sending: true, queueAgeMs: 4000, dropped: 7, link: null },
      {
        integration: 'nezha',
        lastSuccessAt: null,
        lastError: { at: '2026-01-01T00:00:00.000Z', message: 'UNAUTHENTICATED' },
        sending: false,
        queueAgeMs: 0,
        dropped: 0,
        link: { linkUp: false, reconnects: 0, statesAcknowledged: 0, authPauses: 1, taskResults: 0 },
      },
    ]);
  });
});
