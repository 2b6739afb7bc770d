/**
 * The strict Komari fake itself: if it were lenient, every sink test built on it would prove
 * nothing. Raw bodies go over a real loopback port, exactly as written.
 */
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKomariFake, type KomariFake } from '../../fakes/komari.js';
import { type MswServer, serveMsw } from '../../fakes/serve-msw.js';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUv';
const KEY = 'discovery-key-0123456789';
const VALID_REPORT =
  '{"cpu":{"usage":7},"ram":{"total":1073741824,"used":268435456},"swap":{"total":0,"used":0},' +
  '"load":{"load1":0,"load5":0,"load15":0},"disk":{"total":134217728,"used":33554432},' +
  '"network":{"up":125000,"down":2500000,"totalUp":981234567,"totalDown":12345678901},' +
  '"connections":{"tcp":123,"udp":45},"uptime":86400,"process":0,"message":""}';
const INFO = {
  cpu_name: 'ARM64 (hAP ax^2)',
  cpu_cores: 4,
  arch: 'arm64',
  os: 'RouterOS 7.20.5 (stable)',
  ipv4: '203.0.113.7',
  mem_total: 1073741824,
  swap_total: 0,
  disk_total: 134217728,
  version: 'tikprobe 0.1.0',
};

let fake: KomariFake;
let server: MswServer;

async function start(version: 'head' | '1.1.8' = 'head') {
  fake = createKomariFake({ tokens: { [TOKEN]: 'home-gw' }, discoveryKey: KEY, version });
  server = await serveMsw(fake.handlers);
}

async function call(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await request(`${server.url}${path}`, { method, body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, text: await res.body.text() };
}

beforeEach(() => start());
afterEach(async () => {
  fake.releaseHung();
  await server.close();
});

describe('the strict Komari fake: reports', () => {
  it('accepts a correct report and records the raw and decoded body', async () => {
    const r = await call('POST', `/api/clients/report?token=${TOKEN}`, VALID_REPORT);
    expect(r).toEqual({ status: 200, text: '{"status":"success"}' });
    expect(fake.received.reports).toHaveLength(1);
    expect(fake.received.reports[0]).toMatchObject({ token: TOKEN, rawBody: VALID_REPORT, body: { uptime: 86400 } });
    expect(fake.nodes.get(TOKEN)?.lastReport).toMatchObject({ connections: { tcp: 123 } });
    fake.assertNoViolations();
  });

  it.each(['12.5', '1e3', '12.0'])('answers 400 to %s in an integer field and records nothing', async (literal) => {
    const r = await call('POST', `/api/clients/report?token=${TOKEN}`, VALID_REPORT.replace('"tcp":123', `"tcp":${literal}`));
    expect(r).toEqual({ status: 400, text: '{"error":"Invalid request body"}' });
    expect(fake.received.reports).toHaveLength(0);
    expect(fake.refused).toEqual([expect.objectContaining({ endpoint: 'report', status: 400 })]);
  });

  it('answers 500 with Komari\'s message to a cpu usage over 100', async () => {
    const r = await call('POST', `/api/clients/report?token=${TOKEN}`, VALID_REPORT.replace('"usage":7', '"usage":101'));
    expect(r).toEqual({ status: 500, text: '{"error":"CPU.Usage must be between 0 and 100"}' });
  });

  it('wants the token in the query: a bearer header or a body token does not authenticate', async () => {
    expect(await call('POST', '/api/clients/report', VALID_REPORT, { authorization: `Bearer ${TOKEN}` })).toEqual({
      status: 401,
      text: '{"status":"error","message":"Unauthorized."}',
    });
    expect((await call('POST', '/api/clients/report?token=wrong', VALID_REPORT)).status).toBe(401);
    expect((await call('POST', `/api/clients/report?token=${TOKEN.toLowerCase()}`, VALID_REPORT)).status).toBe(401);
    expect(fake.received.reports).toHaveLength(0);
  });

  it('records a violation for a uuid in the report body', async () => {
    const r = await call('POST', `/api/clients/report?token=${TOKEN}`, `{"uuid":"00000000-0000-0000-0000-000000000000",${VALID_REPORT.slice(1)}`);
    expect(r.status).toBe(400);
    expect(fake.violations).toEqual([expect.stringContaining('uuid')]);
    expect(() => fake.assertNoViolations()).toThrow(/uuid/);
  });

  it('uses the 1.1.8 401 bodies in 1.1.8 mode', async () => {
    await server.close();
    await start('1.1.8');
    expect(await call('POST', '/api/clients/report', VALID_REPORT)).toEqual({ status: 401, text: '{"status":"error","error":"token is required"}' });
    expect(await call('POST', '/api/clients/report?token=nope', VALID_REPORT)).toEqual({ status: 401, text: '{"status":"error","error":"invalid token"}' });
  });
});

describe('the strict Komari fake: basic info', () => {
  it('accepts allowed keys and stores them on the node', async () => {
    expect((await call('POST', `/api/clients/uploadBasicInfo?token=${TOKEN}`, JSON.stringify(INFO))).status).toBe(200);
    expect(fake.nodes.get(TOKEN)?.basicInfo).toMatchObject({ ipv4: '203.0.113.7', version: 'tikprobe 0.1.0' });
  });

  it('fails on an unknown key, and on an admin column with a recorded violation', async () => {
    const unknown = await call('POST', `/api/clients/uploadBasicInfo?token=${TOKEN}`, JSON.stringify({ ...INFO, model: 'x' }));
    expect(unknown).toEqual({ status: 500, text: '{"status":"error","error":{}}' });
    expect(fake.violations).toEqual([]);
    const admin = await call('POST', `/api/clients/uploadBasicInfo?token=${TOKEN}`, JSON.stringify({ ...INFO, name: 'renamed' }));
    expect(admin).toEqual({ status: 500, text: '{"status":"error","error":{}}' });
    expect(fake.violations).toEqual([expect.stringContaining('"name"')]);
    expect(fake.nodes.get(TOKEN)?.basicInfo).toBeUndefined();
  });

  it('in 1.1.8 mode answers an empty 500 when a mandatory count is missing, and refuses cpu_physical_cores', async () => {
    await server.close();
    await start('1.1.8');
    const { swap_total: _dropped, ...withoutSwap } = INFO;
    expect(await call('POST', `/api/clients/uploadBasicInfo?token=${TOKEN}`, JSON.stringify(withoutSwap))).toEqual({ status: 500, text: '' });
    expect((await call('POST', `/api/clients/uploadBasicInfo?token=${TOKEN}`, JSON.stringify({ ...INFO, cpu_physical_cores: 4 }))).status).toBe(500);
    expect((await call('POST', `/api/clients/uploadBasicInfo?token=${TOKEN}`, JSON.stringify(INFO))).status).toBe(200);
  });
});

describe('the strict Komari fake: ping tasks, results, registration, faults', () => {
  it('serves the node\'s tasks as a raw array (null when empty on 1.1.8)', async () => {
    expect(await call('GET', `/api/clients/ping/tasks?token=${TOKEN}`)).toEqual({ status: 200, text: '[]' });
    fake.addPingTask(TOKEN, { id: 3, name: 'CF', type: 'icmp', target: '1.1.1.1', interval: 60 });
    const tasks = JSON.parse((await call('GET', `/api/clients/ping/tasks?token=${TOKEN}`)).text) as Record<string, unknown>[];
    expect(tasks).toEqual([expect.objectContaining({ id: 3, weight: 3, default_on: false, clients: [fake.nodes.get(TOKEN)?.uuid] })]);
    await server.close();
    await start('1.1.8');
    expect(await call('GET', `/api/clients/ping/tasks?token=${TOKEN}`)).toEqual({ status: 200, text: 'null' });
  });

  it('validates ping results strictly', async () => {
    const good = '{"task_id":3,"value":12,"ping_type":"icmp","finished_at":"2026-08-17T10:00:05.123+02:00"}';
    expect((await call('POST', `/api/clients/ping/result?token=${TOKEN}`, good)).status).toBe(200);
    expect((await call('POST', `/api/clients/ping/result?token=${TOKEN}`, good.replace('"value":12', '"value":12.0'))).status).toBe(400);
    expect((await call('POST', `/api/clients/ping/result?token=${TOKEN}`, good.replace('"task_id":3', '"task_id":0'))).status).toBe(400);
    expect((await call('POST', `/api/clients/ping/result?token=${TOKEN}`, good.replace('+02:00', ''))).status).toBe(400);
    expect(fake.received.pingResults).toHaveLength(1);
  });

  it('creates a new node on every registration and refuses a wrong key with 403', async () => {
    const a = await call('POST', '/api/clients/register?name=gw', undefined, { authorization: `Bearer ${KEY}` });
    const b = await call('POST', '/api/clients/register?name=gw', undefined, { authorization: `Bearer ${KEY}` });
    const ta = (JSON.parse(a.text) as { data: { token: string } }).data.token;
    const tb = (JSON.parse(b.text) as { data: { token: string } }).data.token;
    expect(ta).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(ta).not.toBe(tb);
    expect(fake.received.registrations.map((r) => r.name)).toEqual(['Auto-gw', 'Auto-gw']);
    expect(fake.nodes.get(ta)?.name).toBe('Auto-gw');
    expect((await call('POST', `/api/clients/report?token=${ta}`, VALID_REPORT)).status).toBe(200);
    expect(await call('POST', '/api/clients/register?name=gw', undefined, { authorization: 'Bearer wrong-key-0123456' })).toEqual({
      status: 403,
      text: '{"status":"error","message":"Invalid AutoDiscovery Key"}',
    });
    expect((await call('POST', '/api/clients/register?name=gw')).status).toBe(403);
  });

  it('injects a status fault for a number of requests, then behaves again', async () => {
    fake.fault('report', 502, { times: 1 });
    expect((await call('POST', `/api/clients/report?token=${TOKEN}`, VALID_REPORT)).status).toBe(502);
    expect((await call('POST', `/api/clients/report?token=${TOKEN}`, VALID_REPORT)).status).toBe(200);
  });
});
