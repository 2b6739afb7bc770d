/**
 * The status server over a real bridge: RouterOS and Komari fakes on loopback, the bridge on a
 * manual clock (the scheduler's fake timers), the metrics registry as its observer, and real
 * HTTP requests to the server.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStatusServer } from '../support/status-server.js';
import { startBridge } from '../../src/main.js';
import { createMetricsRegistry } from '../../src/status/metrics.js';
import { type StatusServer, startStatusServer } from '../../src/status/start.js';
import type { StatusDocument } from '../../src/status/status-view.js';
import { createFleet, type Fleet } from '../bridge/fleet.js';
import { bufferLogger } from '../support/log-buffer.js';
import { parseExposition, seriesValue } from './prom-parse.js';

const TOKEN = 'status-T0ken-abcdefghijkl';

let fleet: Fleet | undefined;
let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await fleet?.close();
  fleet = undefined;
});

const TIMERS = (routers: number) => 2 * routers + 1; // per router its poll loop and its Komari task-list refresh, + the state flusher

async function boot(options: { routers: number; token?: string }) {
  const f = await createFleet({ routers: options.routers, timeout: '4s' });
  fleet = f;
  const metrics = createMetricsRegistry({ now: () => f.clock.now() });
  f.running = await startBridge(f.config, {
    logger: f.log.logger,
    version: '0.0.0-test',
    clock: f.clock,
    random: () => 0,
    stateFlushMs: 3_600_000,
    telemetry: metrics,
  });
  server = await startStatusServer({
    listen: '127.0.0.1:0',
    token: options.token,
    bridge: f.running.bridge,
    startedAt: f.running.startedAt,
    metrics,
    logger: f.log.logger,
    version: '0.0.0-test',
    now: () => f.clock.now(),
  });
  const base = `http://${server.address}`;
  const get = async (path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' | 'POST' = 'GET') => {
    const res = await request(`${base}${path}`, { method, headers });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  };
  const step = async (ms: number) => {
    await f.advance(ms);
    await f.clock.idle(TIMERS(options.routers));
  };
  return { f, metrics, get, step };
}

describe('GET /healthz', () => {
  it('answers 200 while every loop ticks and 503 while one loop is stuck, then 200 again once it moves', async () => {
    const { f, get, step } = await boot({ routers: 2 });
    await step(0);
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });

    // r0's next poll hangs inside the router: its loop makes no progress, r1 carries on.
    const r0 = f.routers[0]!.fake;
    r0.fault('system/resource', 'timeout');
    await f.advance(5000);
    await r0.nextHang();
    await f.clock.idle(TIMERS(2) - 1);
    expect((await get('/healthz')).status).toBe(200);

    await f.advance(16_000); // r0's tick was due 21 s ago and has not finished: > 3 × 5 s overdue
    await f.clock.idle(TIMERS(2) - 1);
    const stalled = await get('/healthz');
    expect(stalled.status).toBe(503);
    expect(stalled.body).toContain('stalled');
    // The router's own state is not the signal: r0 still looks "up", and r1 is fine.
    const doc = JSON.parse((await get('/status')).body) as StatusDocument;
    expect(doc.healthy).toBe(false);
    expect(doc.routers.map((r) => [r.name, r.state])).toEqual([
      ['r0', 'up'],
      ['r1', 'up'],
    ]);

    r0.clearFaults();
    r0.releaseHangs();
    await f.clock.idle(TIMERS(2));
    expect((await get('/healthz')).status).toBe(200);
  });

  // Health is measured from the tick that is due, so a slow backoff (60 s after a 401) is not a stall.
  it('keeps answering 200 while a router with wrong credentials waits out its 60 s backoff', async () => {
    const { f, get, step } = await boot({ routers: 2 });
    await step(0);
    f.routers[0]!.fake.fault('system/resource', '401');
    for (let i = 0; i < 6; i++) await step(5000);
    const doc = JSON.parse((await get('/status')).body) as StatusDocument;
    expect(doc.routers[0]).toMatchObject({ state: 'down', lastError: { code: 'ROUTER_AUTH' } });
    expect((await get('/healthz')).status).toBe(200);
  });

  it('needs no token, and HEAD answers without a body', async () => {
    const { get, step } = await boot({ routers: 1, token: TOKEN });
    await step(0);
    expect((await get('/healthz')).status).toBe(200);
    expect(await get('/healthz', {}, 'HEAD')).toMatchObject({ status: 200, body: '' });
  });
});

describe('GET /status', () => {
  it('shows per router the state, last success, error class, poll latency, last sample and degraded collectors', async () => {
    const { f, get, step } = await boot({ routers: 2 });
    const [good, bad] = f.routers;
    good!.fake.state.resource.cpuLoad = 42;
    bad!.fake.fault('system/resource', '500');
    good!.fake.fault('ip/firewall/connection/print', '500');
    await step(0);

    const res = await get('/status');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const doc = JSON.parse(res.body) as StatusDocument;
    expect(doc).toMatchObject({ version: '0.0.0-test', healthy: true, startedAt: new Date(f.running!.startedAt).toISOString() });
    const [r0, r1] = doc.routers;
    expect(r0).toMatchObject({
      name: 'r0',
      state: 'degraded',
      lastSuccessAt: new Date(f.clock.now()).toISOString(),
      lastError: null,
      collectors: { degraded: ['connections'] },
    });
    expect(r0!.lastPollMs).toBeTypeOf('number');
    expect(r0!.lastSample).toMatchObject({
      router: 'r0',
      resource: { cpuLoadPercent: 42, version: '7.20.5 (stable)', totalMemoryBytes: 1073741824 },
      traffic: { upBps: 0, downBps: 0 },
    });
    expect(r1).toMatchObject({
      name: 'r1',
      state: 'backoff',
      lastSuccessAt: null,
      lastSample: null,
      lastError: { code: 'ROUTER_TRANSIENT' },
    });
    // The JSON never carries a credential.
    expect(res.body).not.toContain(f.routers[0]!.token);
    expect(res.body).not.toContain('s3cret-pass');
  });
});

describe('GET /metrics', () => {
  it('exposes the bridge health and the routers numbers with declared types and a small label set', async () => {
    const { f, get, step } = await boot({ routers: 2 });
    const [good, bad] = f.routers;
    good!.fake.state.resource.cpuLoad = 25;
    await step(0);
    bad!.fake.fault('system/resource', '500');
    await step(5000);

    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parseExposition(res.body);

    const types = Object.fromEntries([...families.values()].map((fam) => [fam.name, fam.type]));
    expect(types).toMatchObject({
      tikprobe_build_info: 'gauge',
      tikprobe_healthy: 'gauge',
      tikprobe_poll_duration_seconds: 'histogram',
      tikprobe_poll_errors_total: 'counter',
      tikprobe_sink_requests_total: 'counter',
      tikprobe_ping_results_total: 'counter',
      tikprobe_router_up: 'gauge',
      tikprobe_router_cpu_load_ratio: 'gauge',
      tikprobe_router_memory_total_bytes: 'gauge',
      tikprobe_router_memory_free_bytes: 'gauge',
      tikprobe_router_disk_total_bytes: 'gauge',
      tikprobe_router_disk_free_bytes: 'gauge',
      tikprobe_router_uptime_seconds: 'gauge',
      tikprobe_router_transmit_bytes_total: 'counter',
      tikprobe_router_receive_bytes_total: 'counter',
      tikprobe_router_connections: 'gauge',
    });
    const allowed = new Set([
      ...['router', 'code', 'sink', 'endpoint', 'status', 'type', 'result', 'protocol', 'collector', 'version', 'board', 'architecture', 'le'],
      ...['nodejs_version', 'integration', 'task_id', 'task', 'major', 'minor', 'patch'],
    ]);
    for (const fam of families.values()) {
      expect(fam.help.length, fam.name).toBeGreaterThan(0);
      for (const s of fam.samples) for (const label of Object.keys(s.labels)) expect(allowed.has(label), `${s.name} ${label}`).toBe(true);
    }

    expect(seriesValue(families, 'tikprobe_build_info', { version: '0.0.0-test', nodejs_version: process.version })).toBe(1);
    expect(seriesValue(families, 'tikprobe_healthy')).toBe(1);
    expect(seriesValue(families, 'tikprobe_router_up', { router: 'r0' })).toBe(1);
    expect(seriesValue(families, 'tikprobe_router_up', { router: 'r1' })).toBe(0);
    expect(seriesValue(families, 'tikprobe_poll_duration_seconds_count', { router: 'r0' })).toBe(2);
    expect(seriesValue(families, 'tikprobe_poll_duration_seconds_count', { router: 'r1' })).toBe(2);
    expect(seriesValue(families, 'tikprobe_poll_errors_total', { router: 'r1', code: 'ROUTER_TRANSIENT' })).toBe(1);
    expect(seriesValue(families, 'tikprobe_poll_errors_total', { router: 'r0', code: 'ROUTER_TRANSIENT' })).toBeUndefined();
    expect(seriesValue(families, 'tikprobe_router_cpu_load_ratio', { router: 'r0' })).toBe(0.25);
    expect(seriesValue(families, 'tikprobe_router_memory_total_bytes', { router: 'r0' })).toBe(1073741824);
    expect(seriesValue(families, 'tikprobe_router_uptime_seconds', { router: 'r0' })).toBe(4360);
    expect(seriesValue(families, 'tikprobe_router_connections', { router: 'r0', protocol: 'tcp' })).toBe(124);
    expect(seriesValue(families, 'tikprobe_router_connections', { router: 'r0', protocol: 'udp' })).toBe(32);
    expect(seriesValue(families, 'tikprobe_router_info', { router: 'r0', version: '7.20.5 (stable)', board: 'hAP ax^2', architecture: 'arm64' })).toBe(1);
    // A router that cannot be polled exports no numbers that would look current.
    expect(seriesValue(families, 'tikprobe_router_cpu_load_ratio', { router: 'r1' })).toBeUndefined();
  });

  it('counts traffic with the totals tikprobe reports', async () => {
    const { f, get, step } = await boot({ routers: 1 });
    await step(0);
    const ether1 = f.routers[0]!.fake.state.interfaces.find((i) => i.name === 'ether1')!;
    ether1.rxBytes += 5_000_000n;
    ether1.txBytes += 500_000n;
    await step(5000);
    const families = parseExposition((await get('/metrics')).body);
    expect(seriesValue(families, 'tikprobe_router_receive_bytes_total', { router: 'r0' })).toBe(5_000_000);
    expect(seriesValue(families, 'tikprobe_router_transmit_bytes_total', { router: 'r0' })).toBe(500_000);
    expect(seriesValue(families, 'tikprobe_router_receive_bytes_per_second', { router: 'r0' })).toBe(1_000_000);
  });
});

describe('status.token', () => {
  it('is required on every endpoint but /healthz, and neither it nor a wrong guess is ever logged', async () => {
    const { f, get, step } = await boot({ routers: 1, token: TOKEN });
    await step(0);
    const wrong = `${TOKEN.slice(0, -1)}X`;
    for (const path of ['/status', '/metrics', '/', '/nope']) {
      const none = await get(path);
      expect(none.status, path).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="tikprobe"');
      expect((await get(path, { authorization: `Bearer ${wrong}` })).status, path).toBe(401);
      expect((await get(path, { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` })).status, path).toBe(401);
    }
    expect((await get('/status', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get('/metrics', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get('/nope', { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    const logged = f.log.text();
    expect(logged).toContain('status request without a valid token');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(wrong);
  });
});

describe('the status server', () => {
  it('answers only GET and HEAD', async () => {
    const { get } = await boot({ routers: 1 });
    const res = await get('/status', {}, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('fails to start with the address in the message when the port is taken, and close() frees it', async () => {
    const { f, metrics } = await boot({ routers: 1 });
    const deps = {
      listen: server!.address,
      token: undefined,
      bridge: f.running!.bridge,
      startedAt: 0,
      metrics,
      logger: f.log.logger,
      version: 'x',
    };
    await expect(startStatusServer(deps)).rejects.toThrow(`status server cannot listen on ${server!.address}: EADDRINUSE`);
    await server!.close();
    await server!.close();
    const again = await startStatusServer(deps);
    expect(again.address).toBe(deps.listen);
    await again.close();
  });
});

describe('extra routes', () => {
  it('serve their own paths before the token check, and cannot take over /healthz', async () => {
    const log = bufferLogger();
    const seen: string[] = [];
    server = await startTestStatusServer({
      token: TOKEN,
      logger: log.logger,
      routes: () => [
        {
          auth: 'own',
          handle: (req, res, url) => {
            seen.push(url.pathname);
            if (url.pathname !== '/api/v1/server/list') return false;
            res.statusCode = req.headers.authorization === TOKEN ? 200 : 403;
            res.end('own auth');
            return true;
          },
        },
      ],
    });
    const at = (path: string, headers: Record<string, string> = {}) => request(`http://${server!.address}${path}`, { headers });
    const own = await at('/api/v1/server/list?tag=x', { authorization: TOKEN });
    expect(own.statusCode).toBe(200);
    expect(await own.body.text()).toBe('own auth');
    const refused = await at('/api/v1/server/list');
    expect(refused.statusCode).toBe(403);
    await refused.body.dump();
    const status = await at('/status');
    expect(status.statusCode).toBe(401);
    await status.body.dump();
    const healthz = await at('/healthz');
    expect(healthz.statusCode).toBe(200);
    await healthz.body.dump();
    expect(seen).toEqual(['/api/v1/server/list', '/api/v1/server/list', '/status']);
  });
});

describe('routes behind the token and sections', () => {
  it('answer a status-token route only with the token, and add each section to /status and /metrics', async () => {
    const log = bufferLogger();
    let served = 0;
    server = await startTestStatusServer({
      token: TOKEN,
      logger: log.logger,
      routes: () => [
        {
          auth: 'status-token',
          handle: (_req, res, url) => {
            if (url.pathname !== '/extra') return false;
            served += 1;
            res.end('extra');
            return true;
          },
        },
      ],
      sections: () => [
        {
          name: 'load',
          status: () => ({ overloaded: true, factor: 1.5 }),
          metrics: () => [{ name: 'tikprobe_test_load', help: 'A test family.', type: 'gauge', samples: [{ labels: {}, value: 1.5 }] }],
        },
      ],
    });
    const at = (path: string, headers: Record<string, string> = {}) => request(`http://${server!.address}${path}`, { headers });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const refused = await at('/extra');
    expect(refused.statusCode).toBe(401);
    await refused.body.dump();
    expect(served).toBe(0);
    const extra = await at('/extra', auth);
    expect(await extra.body.text()).toBe('extra');
    expect(served).toBe(1);
    const status = (await (await at('/status', auth)).body.json()) as Record<string, unknown>;
    expect(status.load).toEqual({ overloaded: true, factor: 1.5 });
    expect(status.routers).toEqual([]);
    const metrics = await (await at('/metrics', auth)).body.text();
    expect(seriesValue(parseExposition(metrics), 'tikprobe_test_load')).toBe(1.5);
    expect(metrics).toContain('tikprobe_healthy 1');
  });
});
