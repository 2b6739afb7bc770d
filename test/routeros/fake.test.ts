/** The RouterOS fake is only useful if it is as strict as a router: these pin that down. */
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRouterDuration } from '../../src/routeros/duration.js';
import { createRouterFake, defaultFakeState, formatDuration, type RouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

const AUTH = `Basic ${Buffer.from('tikprobe:s3cret-pass').toString('base64')}`;

let fake: RouterFake;
let server: MswServer;

async function call(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await request(`${server.url}${path}`, {
    method: method as 'GET',
    headers: { authorization: AUTH, ...options.headers },
    body: options.body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const post = (path: string, body: unknown) =>
  call('POST', path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

beforeAll(async () => {
  fake = createRouterFake();
  server = await serveMsw(fake.handlers);
});

afterEach(() => {
  Object.assign(fake.state, defaultFakeState());
  fake.clearFaults();
});

afterAll(async () => {
  await server.close();
});

describe('RouterOS fake', () => {
  it('answers 401 with WWW-Authenticate: Basic without credentials', async () => {
    const res = await call('GET', '/rest/system/resource', { headers: { authorization: '' } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('sends every value as a string', async () => {
    const res = await call('GET', '/rest/system/resource');
    for (const v of Object.values(res.json as object)) expect(typeof v).toBe('string');
    const list = await call('GET', '/rest/interface');
    for (const rec of list.json as object[]) for (const v of Object.values(rec)) expect(typeof v).toBe('string');
  });

  it('honours .proplist (always keeping .id on lists) and exact, boolean-aware filters', async () => {
    const res = await call('GET', '/rest/interface?.proplist=name&running=yes');
    expect(res.json).toEqual([
      { '.id': '*1', name: 'ether1' },
      { '.id': '*A', name: 'bridge' },
    ]);
    expect((await call('GET', '/rest/interface?name=ether')).json).toEqual([]);
  });

  it('answers a singleton as a one-element array in 7.1beta4 mode', async () => {
    fake.state.singletonAsArray = true;
    expect((await call('GET', '/rest/system/identity')).json).toEqual([{ name: 'MikroTik' }]);
  });

  it('answers 415 to a POST without Content-Type: application/json', async () => {
    const res = await call('POST', '/rest/ip/firewall/connection/print', { body: '{"count-only":""}' });
    expect(res.status).toBe(415);
  });

  it('answers 400 no such command for an unknown path and for ipv6 without the package', async () => {
    const res = await call('GET', '/rest/tool/nothing');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ detail: 'no such command or directory (nothing)', error: 400, message: 'Bad Request' });
    fake.state.ipv6 = false;
    expect((await call('GET', '/rest/ipv6/address')).status).toBe(400);
  });

  it('answers 400 no such command prefix to a percent-encoded * id', async () => {
    expect((await call('GET', '/rest/interface/*1')).status).toBe(200);
    const res = await call('GET', '/rest/interface/%2A1');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ detail: 'no such command prefix', error: 400, message: 'Bad Request' });
  });

  it('rejects a .query the stack cannot evaluate', async () => {
    expect((await post('/rest/interface/print', { '.query': ['#|'] })).status).toBe(400);
    expect((await post('/rest/interface/print', { '.query': ['type=ether', '#?'] })).status).toBe(400);
  });

  it('counts with count-only and .query, or degrades per the configured mode', async () => {
    expect((await post('/rest/ip/firewall/connection/print', { 'count-only': '', '.query': ['protocol=tcp'] })).json).toEqual({ ret: '120' });
    expect((await post('/rest/ip/firewall/connection/print', { 'count-only': '', '.query': ['protocol=udp'] })).json).toEqual({ ret: '30' });
    expect((await post('/rest/ip/firewall/connection/print', { 'count-only': '' })).json).toEqual({ ret: '153' });
    fake.state.countOnly = 'array';
    const arr = await post('/rest/ip/firewall/connection/print', { 'count-only': '', '.query': ['protocol=udp'] });
    expect(arr.json).toHaveLength(30);
    fake.state.countOnly = 'unknown-parameter';
    expect((await post('/rest/ip/firewall/connection/print', { 'count-only': '', '.query': ['protocol=udp'] })).status).toBe(400);
  });

  it('evaluates .query as a stack', async () => {
    const res = await post('/rest/interface/print', { '.proplist': 'name', '.query': ['type=ether', 'type=bridge', '#|!'] });
    expect(res.json).toEqual([]);
    const some = await post('/rest/interface/print', { '.proplist': ['name'], '.query': ['type=ether', 'running=true', '#&'] });
    expect(some.json).toEqual([{ '.id': '*1', name: 'ether1' }]);
  });

  it('serves the whole connection table and counts who asks for it', async () => {
    const before = fake.count('GET', 'ip/firewall/connection');
    const res = await call('GET', '/rest/ip/firewall/connection');
    expect(res.json).toHaveLength(153);
    expect(fake.count('GET', 'ip/firewall/connection')).toBe(before + 1);
  });

  it('answers /ping per probe with cumulative fields, the last being the summary', async () => {
    const res = await post('/rest/ping', { address: '10.155.101.1', count: '4' });
    const records = res.json as Record<string, string>[];
    expect(records).toHaveLength(4);
    expect(records[3]).toMatchObject({ seq: '3', sent: '4', received: '4', 'packet-loss': '0', 'min-rtt': '359us', 'max-rtt': '650us', time: '359us' });
    fake.state.pingRttUs = [1_234, undefined];
    const lossy = (await post('/rest/ping', { address: '1.1.1.1', count: '2' })).json as Record<string, string>[];
    expect(lossy[0]?.time).toBe('1ms234us');
    expect(lossy[1]).toMatchObject({ status: 'timeout', sent: '2', received: '1', 'packet-loss': '50' });
    expect(lossy[1]?.time).toBeUndefined();
  });

  it('needs count for /ping (Session closed) and the test policy', async () => {
    expect((await post('/rest/ping', { address: '1.1.1.1' })).json).toEqual({ detail: 'Session closed', error: 400, message: 'Bad Request' });
    fake.state.users.tikprobe = { password: 's3cret-pass', policies: ['read', 'api', 'rest-api'] };
    const res = await post('/rest/ping', { address: '1.1.1.1', count: '1' });
    expect(res.status).toBe(500);
    expect((res.json as { detail: string }).detail).toBe('not enough permissions (9)');
  });

  it('formats durations the way the router does', () => {
    for (const s of [0, 0.000453, 0.001234, 4_360, 694_214, 25_380_262]) expect(parseRouterDuration(formatDuration(s))).toBe(s);
    expect(formatDuration(4_360)).toBe('1h12m40s');
  });

  it('applies a fault a limited number of times', async () => {
    fake.fault('/system/identity', '401', 1);
    expect((await call('GET', '/rest/system/identity')).status).toBe(401);
    expect((await call('GET', '/rest/system/identity')).status).toBe(200);
  });
});
