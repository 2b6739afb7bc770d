import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterView } from '../../../src/bridge/router-runner.js';
import { PingHistory } from '../../../src/integrations/nezha/history.js';
import { createNezhaV0Api } from '../../../src/integrations/nezha/v0-api.js';
import { GO_ZERO_TIME, routerIds } from '../../../src/integrations/nezha/v0-payload.js';
import { routerSample } from '../komari/samples.js';

const TOKEN = 'v0-api-token-for-tests-123456';
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

function view(name: string, polled: boolean): RouterView {
  return {
    name,
    state: polled ? 'up' : 'starting',
    lastSample: polled ? routerSample({ router: name, takenAt: NOW - 2000 }) : undefined,
    lastSuccessAt: polled ? NOW - 2000 : undefined,
    lastError: undefined,
    lastErrorCode: undefined,
    lastPollMs: polled ? 40 : undefined,
    degraded: [],
    lastPing: undefined,
    parts: [],
  };
}

let server: Server;
let base: string;
let history: PingHistory;
const tags: Record<string, string | undefined> = { 'home-gw': 'home', 'branch-1': 'branch', 'branch-2': 'branch', fresh: undefined };
const ids = routerIds(Object.keys(tags));
const id = (name: string) => ids.get(name)!;

beforeEach(async () => {
  history = new PingHistory();
  const handler = createNezhaV0Api({
    token: TOKEN,
    view: () => [view('home-gw', true), view('branch-1', true), view('branch-2', true), view('fresh', false)],
    tagOf: (n) => tags[n],
    history,
    version: '0.1.0',
    now: () => NOW,
  });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!handler(req, res, url)) {
      res.writeHead(404);
      res.end('not ours');
    }
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  base = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function get(path: string, auth: string | null = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${base}${path}`, { headers: auth === null ? {} : { authorization: auth } });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('Nezha v0 read API', () => {
  it('server/list: the v0 fields with their types, every router, never-polled ones with Go zero time', async () => {
    const { status, body } = await get('/api/v1/server/list');
    expect(status).toBe(200);
    expect(body.code).toBe(0);
    expect(body.message).toBe('success');
    const list = body.result as Record<string, unknown>[];
    expect(list.map((s) => s.name)).toEqual(['home-gw', 'branch-1', 'branch-2', 'fresh']);
    expect(list[0]).toEqual({
      id: id('home-gw'),
      name: 'home-gw',
      tag: 'home',
      last_active: Math.floor((NOW - 2000) / 1000),
      ipv4: '203.0.113.7',
      ipv6: '',
      valid_ip: '203.0.113.7',
      display_index: 0,
      hide_for_guest: false,
    });
    expect(list[3]).toMatchObject({ name: 'fresh', tag: '', last_active: GO_ZERO_TIME, valid_ip: '' });
    for (const s of list) {
      expect(Number.isInteger(s.id)).toBe(true);
      expect(s.id as number).toBeGreaterThan(0);
    }
  });

  it('server/list?tag= filters to that group; an unknown tag is an empty list', async () => {
    expect(((await get('/api/v1/server/list?tag=branch')).body.result as { name: string }[]).map((s) => s.name)).toEqual(['branch-1', 'branch-2']);
    expect((await get('/api/v1/server/list?tag=nope')).body.result).toEqual([]);
  });

  it('server/details: capitalised host and status with v0 types; several ids; tag wins over id; unknown ids skipped', async () => {
    const { body } = await get(`/api/v1/server/details?id=${id('home-gw')},${id('fresh')},999,abc`);
    const result = body.result as Record<string, Record<string, unknown>>[];
    expect(result.map((s) => s.name)).toEqual(['home-gw', 'fresh']);
    const host = result[0]!.host!;
    expect(host).toEqual({
      Platform: 'RouterOS',
      PlatformVersion: '7.20.5 (stable)',
      CPU: ['ARM64 4 cores 1200MHz (hAP ax^2)'],
      MemTotal: 1073741824,
      DiskTotal: 134217728,
      SwapTotal: 0,
      Arch: 'arm64',
      Virtualization: '',
      BootTime: Math.round((NOW - 2000) / 1000) - 86400,
      CountryCode: '',
      Version: 'tikprobe 0.1.0',
      GPU: null,
    });
    const st = result[0]!.status!;
    expect(Object.keys(st).sort()).toEqual(
      [
        'CPU', 'MemUsed', 'SwapUsed', 'DiskUsed', 'NetInTransfer', 'NetOutTransfer', 'NetInSpeed', 'NetOutSpeed', 'Uptime',
        'Load1', 'Load5', 'Load15', 'TcpConnCount', 'UdpConnCount', 'ProcessCount', 'Temperatures', 'GPU',
      ].sort(),
    );
    expect(st).toMatchObject({ CPU: 7, NetInTransfer: 12345678901, NetOutSpeed: 125000, TcpConnCount: 123, UdpConnCount: 45, GPU: 0, Temperatures: null });
    // A never-polled router: zero values and null arrays.
    expect(result[1]!.host).toMatchObject({ Platform: '', CPU: null, GPU: null, BootTime: 0 });
    expect(result[1]!.status).toMatchObject({ CPU: 0, Uptime: 0, Temperatures: null });
    expect(result[1]!.last_active).toBe(GO_ZERO_TIME);

    const tagged = await get(`/api/v1/server/details?id=${id('home-gw')}&tag=branch`);
    expect((tagged.body.result as { name: string }[]).map((s) => s.name)).toEqual(['branch-1', 'branch-2']);
    expect(((await get('/api/v1/server/details')).body.result as unknown[]).length).toBe(4);
  });

  it('a missing or wrong token gets the v0 error envelope (HTTP 200, code 403, no result)', async () => {
    for (const auth of [null, 'wrong-token', 'Bearer wrong']) {
      for (const path of ['/api/v1/server/list', '/api/v1/server/details?id=1']) {
        const { status, body } = await get(path, auth);
        expect(status).toBe(200);
        expect(body).toEqual({ code: 403, message: '访问此接口需要认证' });
      }
    }
    expect((await get('/api/v1/server/list', `Bearer ${TOKEN}`)).body.code).toBe(0);
  });

  it('monitor/{id}: the router ping-task history in ms, null without history, v0 errors for bad and unknown ids', async () => {
    const m = { source: 'nezha', id: 3, name: 'ICMP ping 1.1.1.1', type: 'icmp' as const };
    history.record('home-gw', m, NOW - 175_000, 10);
    history.record('home-gw', m, NOW - 170_000, 14);
    history.record('home-gw', m, NOW - 10_000, 20);
    history.record('home-gw', m, NOW - 5_000, undefined);
    const { status, body } = await get(`/api/v1/monitor/${id('home-gw')}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      code: 0,
      message: 'success',
      result: [
        {
          monitor_id: 3,
          server_id: id('home-gw'),
          monitor_name: 'ICMP ping 1.1.1.1',
          server_name: 'home-gw',
          created_at: [NOW - 180_000, NOW - 60_000],
          avg_delay: [12, 10],
        },
      ],
    });
    expect((await get(`/api/v1/monitor/${id('branch-1')}`)).body).toEqual({ code: 0, message: 'success', result: null });
    expect(await get('/api/v1/monitor/abc')).toEqual({ status: 400, body: { code: 400, message: 'id参数错误' } });
    expect(await get('/api/v1/monitor/12345')).toEqual({ status: 404, body: { code: 404, message: 'id不存在' } });
    expect((await get(`/api/v1/monitor/${id('home-gw')}`, 'wrong')).status).toBe(403);
  });

  it('leaves other paths to the status server', async () => {
    const res = await request(`${base}/status`);
    expect(res.statusCode).toBe(404);
    expect(await res.body.text()).toBe('not ours');
  });

  it('ids are stable whatever the order of the fleet', () => {
    const a = routerIds(['a', 'b', 'c']);
    const b = routerIds(['c', 'a', 'b']);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });
});
