import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { createRouterClient, restPath, restQuery, type RouterClientOptions } from '../../src/routeros/client.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { RequestSlots } from '../../src/time/request-slots.js';
import { createRouterFake, type FaultKind, type RouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

const USER = 'tikprobe';
const PASSWORD = 's3cret-pass';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

let fake: RouterFake;
let server: MswServer;
const clients: RouterRest[] = [];

function client(overrides: Partial<RouterClientOptions> = {}): RouterRest {
  const c = createRouterClient({
    name: 'edge1',
    url: server.url,
    username: USER,
    password: PASSWORD,
    tls: { verify: true },
    timeoutMs: 5_000,
    ...overrides,
  });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<RouterError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RouterError);
    return err as RouterError;
  }
  throw new Error('expected a RouterError, the request succeeded');
}

/** No error surface may carry the password or the Authorization value. */
function expectNoSecrets(err: RouterError): void {
  for (const text of [err.message, JSON.stringify(err), String(err.cause), String(err.stack)]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(BASIC.slice(6));
    expect(text.toLowerCase()).not.toContain('authorization');
  }
}

beforeAll(async () => {
  fake = createRouterFake();
  server = await serveMsw(fake.handlers);
});

afterEach(async () => {
  fake.releaseHangs();
  fake.clearFaults();
  vi.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.requests.length = 0;
});

afterAll(async () => {
  await server.close();
});

describe('restPath and restQuery', () => {
  it('maps menu paths under /rest, keeps * ids and encodes spaces', () => {
    expect(restPath('system/resource')).toBe('/rest/system/resource');
    expect(restPath('/system/resource')).toBe('/rest/system/resource');
    expect(restPath('ip/address/*1')).toBe('/rest/ip/address/*1');
    expect(restPath('interface/my bridge')).toBe('/rest/interface/my%20bridge');
  });

  it('puts .proplist first with literal commas, then exact filters', () => {
    expect(restQuery({ proplist: ['a', 'b'], filter: { type: 'ether' } })).toBe('?.proplist=a,b&type=ether');
    expect(restQuery({ filter: { 'dst-address': '0.0.0.0/0' } })).toBe('?dst-address=0.0.0.0%2F0');
    expect(restQuery({})).toBe('');
  });
});

describe('createRouterClient against the strict fake', () => {
  it('sends Basic auth pre-emptively and parses the reply', async () => {
    const reply = await client().get('system/identity');
    expect(reply).toEqual({ name: 'MikroTik' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.authorization).toBe(BASIC);
  });

  it('puts .proplist and filters in the URL', async () => {
    const reply = await client().get('interface', { proplist: ['.id', 'name', 'rx-byte'], filter: { type: 'ether' } });
    expect(server.requests[0]?.url).toBe('/rest/interface?.proplist=.id,name,rx-byte&type=ether');
    expect(reply).toEqual([
      { '.id': '*1', name: 'ether1', 'rx-byte': '194632346152' },
      { '.id': '*2', name: 'ether2', 'rx-byte': '0' },
    ]);
  });

  it('sends * ids unencoded', async () => {
    await expect(client().get('interface/*1', { proplist: ['name'] })).resolves.toEqual({ '.id': '*1', name: 'ether1' });
    expect(server.requests[0]?.url).toBe('/rest/interface/*1?.proplist=name');
  });

  it('POSTs JSON with Content-Type: application/json', async () => {
    const reply = await client().post('ip/firewall/connection/print', { 'count-only': '', '.query': ['protocol=tcp'] });
    expect(reply).toEqual({ ret: '120' });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ 'count-only': '', '.query': ['protocol=tcp'] });
  });

  it('puts a POST\'s proplist in its body as ".proplist", last, and leaves the caller\'s body as it was', async () => {
    const body = { 'count-only': '', '.query': ['protocol=tcp'] };
    await client().post('ip/firewall/connection/print', body, { proplist: ['ret', 'x'] });
    expect(server.requests[0]?.body).toBe('{"count-only":"",".query":["protocol=tcp"],".proplist":"ret,x"}');
    expect(body).toEqual({ 'count-only': '', '.query': ['protocol=tcp'] });
    await client().post('ip/firewall/connection/print', { '.proplist': 'ret' }, { proplist: ['x'] });
    expect(server.requests[1]?.body).toBe('{".proplist":"ret"}');
  });

  it('serialises a body each time it is sent unless it is frozen (a frozen body never changes)', async () => {
    const c = client();
    const body: Record<string, unknown> = { 'count-only': '', '.query': ['protocol=tcp'] };
    await c.post('ip/firewall/connection/print', body);
    body['.query'] = ['protocol=udp'];
    await c.post('ip/firewall/connection/print', body);
    const frozen = Object.freeze({ 'count-only': '', '.query': Object.freeze(['protocol=tcp']) });
    await c.post('ip/firewall/connection/print', frozen);
    await c.post('ip/firewall/connection/print', frozen, { proplist: ['ret'] });
    expect(server.requests.map((r) => r.body)).toEqual([
      '{"count-only":"",".query":["protocol=tcp"]}',
      '{"count-only":"",".query":["protocol=udp"]}',
      '{"count-only":"",".query":["protocol=tcp"]}',
      '{"count-only":"",".query":["protocol=tcp"],".proplist":"ret"}',
    ]);
  });

  it('counts requests and reply bytes', async () => {
    const c = client();
    await c.get('system/identity');
    await c.get('system/identity');
    expect(c.stats()).toEqual({ requests: 2, bytes: 2 * '{"name":"MikroTik"}'.length });
  });

  it('runs every request inside the fleet-wide limit', async () => {
    let calls = 0;
    const limit = <T>(fn: () => Promise<T>) => {
      calls += 1;
      return fn();
    };
    const c = client({ limit });
    await c.get('system/identity');
    await c.post('ip/firewall/connection/print', { 'count-only': '' });
    expect(calls).toBe(2);
  });

  it('a request that waits for a request slot past its timeout leaves unsent with BRIDGE_OVERLOADED, and the wait is counted', async () => {
    const slots = new RequestSlots(1);
    const c = client({ slots, timeoutMs: 300 });
    fake.fault('system/resource', 'timeout', 1);
    const holder = c.get('system/resource', { timeoutMs: 5000 }); // holds the only slot
    await fake.nextHang();
    const before = fake.count('GET', 'system/identity');
    const err = await failure(client({ slots, timeoutMs: 300 }).get('system/identity'));
    expect(err.code).toBe('BRIDGE_OVERLOADED');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^edge1: GET \/rest\/system\/identity: not sent: no request slot free within 300 ms/);
    expect(fake.count('GET', 'system/identity')).toBe(before);
    expect(slots.figures().waiting).toBe(0);
    fake.releaseHangs();
    await holder.catch(() => undefined);
  });

  it('waiting for a slot, the requests of a poll rank at its first request: a poll that has begun goes before one that began after it', async () => {
    const slots = new RequestSlots(1);
    let t = 100;
    const now = () => t;
    const pollA = new AbortController();
    const pollB = new AbortController();
    const a = client({ slots, now });
    const b = client({ slots, now });
    await a.get('system/resource', { signal: pollA.signal }); // A's poll begins at 100
    fake.fault('system/health', 'timeout', 1);
    const holder = client({ slots }).get('system/health', { timeoutMs: 5000 }); // holds the only slot
    await fake.nextHang();
    t = 200;
    const bFirst = b.get('system/routerboard', { signal: pollB.signal }); // B's poll begins at 200, waits
    t = 300;
    const aSecond = a.get('system/identity', { signal: pollA.signal }); // A's second request, asked last
    const start = server.requests.length;
    fake.releaseHangs();
    await holder.catch(() => undefined);
    await Promise.all([aSecond, bFirst]);
    const order = server.requests.slice(start).map((r) => r.url.split('?')[0]);
    expect(order).toEqual(['/rest/system/identity', '/rest/system/routerboard']);
  });

  it('a poll stopped while its request waits for a slot ends at once, unsent', async () => {
    const slots = new RequestSlots(1);
    fake.fault('system/resource', 'timeout', 1);
    const holder = client({ slots }).get('system/resource');
    await fake.nextHang();
    const controller = new AbortController();
    const waiting = client({ slots });
    const pending = failure(waiting.get('system/identity', { signal: controller.signal }));
    controller.abort();
    const err = await pending;
    expect(err.code).toBe('ROUTER_TRANSIENT');
    expect(err.message).toContain('aborted');
    expect(waiting.progress?.().settledAt).toBeTypeOf('number');
    fake.releaseHangs();
    await holder.catch(() => undefined);
  });

  it('recovers a reply with raw control characters', async () => {
    fake.fault('system/identity', 'control-char');
    await expect(client().get('system/identity')).resolves.toEqual([{ 'host-name': 'bad\u001bname', name: 'MikroTik' }]);
  });

  const faults: [FaultKind, string][] = [
    ['401', 'ROUTER_AUTH'],
    ['500', 'ROUTER_TRANSIENT'],
    ['html403', 'ROUTER_TRANSIENT'],
    ['malformed', 'ROUTER_MALFORMED'],
    ['reset', 'ROUTER_TRANSIENT'],
  ];
  it.each(faults)('fault %s → %s, message names router, method and path, no secrets', async (kind, code) => {
    fake.fault('system/resource', kind);
    const err = await failure(client().get('system/resource', { proplist: ['uptime'] }));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/^edge1: GET \/rest\/system\/resource: /);
    expect(err.message).not.toContain('proplist');
    expectNoSecrets(err);
  });

  it('wrong password → ROUTER_AUTH with status 401', async () => {
    const err = await failure(client({ password: 'wrong-password-xyz' }).get('system/resource'));
    expect(err.code).toBe('ROUTER_AUTH');
    expect(err.status).toBe(401);
    expect(err.message).toContain('HTTP 401');
    expect(err.message).not.toContain('wrong-password-xyz');
  });

  it('a group without read → ROUTER_POLICY with the RouterOS detail', async () => {
    fake.state.users.noread = { password: 'pw-noread', policies: ['api', 'rest-api'] };
    const err = await failure(client({ username: 'noread', password: 'pw-noread' }).get('system/resource'));
    expect(err.code).toBe('ROUTER_POLICY');
    expect(err.status).toBe(500);
    expect(err.detail).toBe('not enough permissions (9)');
    expect(err.message).toContain('HTTP 500 "not enough permissions (9)"');
    expect(err.message).not.toContain('pw-noread');
  });

  it('a group with rest-api but not api → ROUTER_POLICY (not allowed (9))', async () => {
    fake.state.users.noapi = { password: 'pw-noapi', policies: ['read', 'rest-api'] };
    const err = await failure(client({ username: 'noapi', password: 'pw-noapi' }).get('system/resource'));
    expect(err.code).toBe('ROUTER_POLICY');
    expect(err.detail).toBe('std failure: not allowed (9)');
  });

  it('an unknown menu → ROUTER_UNSUPPORTED', async () => {
    const err = await failure(client().get('tool/nothing-here'));
    expect(err.code).toBe('ROUTER_UNSUPPORTED');
    expect(err.detail).toBe('no such command or directory (nothing-here)');
  });

  it('ping without count → 400 Session closed → ROUTER_TRANSIENT', async () => {
    const err = await failure(client().post('ping', { address: '10.0.0.1' }));
    expect(err.code).toBe('ROUTER_TRANSIENT');
    expect(err.message).toContain('edge1: POST /rest/ping: HTTP 400 "Session closed"');
  });

  it('HTML 403 says REST may be disabled for the protocol', async () => {
    fake.fault('system/resource', 'html403');
    const err = await failure(client().get('system/resource'));
    expect(err.message).toMatch(/REST may be disabled for this protocol/);
  });

  it('a reply that never comes → ROUTER_TIMEOUT after timeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fake.fault('system/resource', 'timeout');
    const pending = failure(client({ timeoutMs: 3_000 }).get('system/resource'));
    await fake.nextHang();
    await vi.advanceTimersByTimeAsync(2_999);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = await pending;
    expect(err.code).toBe('ROUTER_TIMEOUT');
    expect(err.message).toBe('edge1: GET /rest/system/resource: no reply within 3000 ms');
    expectNoSecrets(err);
  });

  it('a reply whose body stops half-way → ROUTER_TIMEOUT after timeoutMs (the request deadline bounds the whole exchange)', async () => {
    fake.fault('system/resource', 'stall');
    const started = performance.now();
    const err = await failure(client({ timeoutMs: 300 }).get('system/resource'));
    expect(err.code).toBe('ROUTER_TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expectNoSecrets(err);
    fake.releaseHangs();
  });

  it('a per-call timeoutMs overrides the configured one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fake.fault('ping', 'timeout');
    const pending = failure(client({ timeoutMs: 1_000 }).post('ping', { address: '1.1.1.1', count: '3' }, { timeoutMs: 8_000 }));
    await fake.nextHang();
    await vi.advanceTimersByTimeAsync(7_000);
    fake.releaseHangs();
    const err = await pending;
    expect(err.code).toBe('ROUTER_TRANSIENT'); // the released 500, not a timeout at 1 s
  });

  it("the caller's abort ends the request", async () => {
    fake.fault('system/resource', 'timeout');
    const controller = new AbortController();
    const pending = failure(client().get('system/resource', { signal: controller.signal }));
    await fake.nextHang();
    controller.abort();
    const err = await pending;
    expect(err.code).toBe('ROUTER_TRANSIENT');
    expect(err.message).toContain('aborted');
  });

  it('a signal aborted before the request leaves (e.g. while queued in the limit) sends nothing', async () => {
    const before = fake.count('GET', 'system/identity');
    const err = await failure(client().get('system/identity', { signal: AbortSignal.abort() }));
    expect(err.code).toBe('ROUTER_TRANSIENT');
    expect(err.message).toContain('aborted');
    expect(fake.count('GET', 'system/identity')).toBe(before);
  });

  it('a refused connection → ROUTER_TRANSIENT without secrets', async () => {
    const closed = await serveMsw([]);
    const url = closed.url;
    await closed.close();
    const err = await failure(client({ url }).get('system/resource'));
    expect(err.code).toBe('ROUTER_TRANSIENT');
    expect(err.message).toMatch(/refused/);
    expectNoSecrets(err);
  });

  it('rejects filters on POST (they belong in .query)', async () => {
    await expect(client().post('interface/print', {}, { filter: { type: 'ether' } })).rejects.toThrow(TypeError);
  });
});
