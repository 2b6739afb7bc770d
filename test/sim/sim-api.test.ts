import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allStrings, basic, call, PASSWORD, type TestFleet, startTestFleet } from './helpers.js';

let t: TestFleet;

beforeEach(async () => {
  t = await startTestFleet({ routers: 5, conntrack: 500 });
});
afterEach(async () => {
  await t.close();
});

type Rec = Record<string, string>;

describe('simulated RouterOS REST API', () => {
  it('answers 401 with WWW-Authenticate: Basic without credentials or with a wrong password', async () => {
    const none = await call(t, 0, '/rest/system/resource', { auth: null });
    expect(none.status).toBe(401);
    expect(String(none.headers['www-authenticate'])).toMatch(/^Basic\b/);
    expect(none.json).toEqual({ error: 401, message: 'Unauthorized' });
    const wrong = await call(t, 0, '/rest/system/resource', { auth: basic('tikprobe', `${PASSWORD}x`) });
    expect(wrong.status).toBe(401);
    const ok = await call(t, 0, '/rest/system/resource');
    expect(ok.status).toBe(200);
  });

  it('serves each router on its own loopback address with its own identity', async () => {
    const a = await call(t, 0, '/rest/system/identity');
    const b = await call(t, 4, '/rest/system/identity');
    expect(a.json).toEqual({ name: 'sim-0001' });
    expect(b.json).toEqual({ name: 'sim-0005' });
  });

  it('sends every value as a string, singletons as objects and lists as arrays', async () => {
    for (const path of ['system/resource', 'system/routerboard', 'system/clock', 'ip/cloud', 'ip/firewall/connection/tracking']) {
      const r = await call(t, 0, `/rest/${path}`);
      expect(Array.isArray(r.json), path).toBe(false);
      expect(allStrings(r.json), path).toBe(true);
    }
    for (const path of ['interface', 'ip/address', 'ipv6/address', 'ip/route', 'ipv6/route', 'ip/firewall/connection', 'ipv6/firewall/connection']) {
      const r = await call(t, 0, `/rest/${path}`);
      expect(Array.isArray(r.json), path).toBe(true);
      expect(allStrings(r.json), path).toBe(true);
    }
    const res = (await call(t, 0, '/rest/system/resource')).json as Rec;
    expect(res.uptime).toMatch(/^(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/);
    expect(Number(res['cpu-load'])).toBeGreaterThanOrEqual(0);
    expect(Number(res['free-memory'])).toBeLessThan(Number(res['total-memory']));
  });

  it('returns only the .proplist properties (plus .id on lists) and ignores unknown names', async () => {
    const r = await call(t, 0, '/rest/interface?.proplist=name,rx-byte,tx-byte,no-such-prop');
    const rows = r.json as Rec[];
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['.id', 'name', 'rx-byte', 'tx-byte']);
    const one = await call(t, 0, '/rest/system/resource?.proplist=uptime,cpu-load');
    expect(Object.keys(one.json as Rec).sort()).toEqual(['cpu-load', 'uptime']);
  });

  it('applies query-string filters as exact matches, AND-combined, with yes/true alike', async () => {
    const route = await call(t, 0, '/rest/ip/route?dst-address=0.0.0.0/0&active=true');
    expect(route.json).toHaveLength(1);
    expect((route.json as Rec[])[0]?.['immediate-gw']).toBe('203.0.113.1%ether1');
    const yes = await call(t, 0, '/rest/ip/route?dst-address=0.0.0.0/0&active=yes');
    expect(yes.json).toEqual(route.json);
    const pppoe = await call(t, 4, '/rest/ip/route?dst-address=0.0.0.0/0&active=true&.proplist=immediate-gw');
    expect(pppoe.json).toEqual([{ '.id': '*80000001', 'immediate-gw': 'pppoe-out1' }]);
    const none = await call(t, 0, '/rest/interface?type=ether&name=bridge');
    expect(none.json).toEqual([]);
    const v6 = await call(t, 0, '/rest/ipv6/route?dst-address=::/0&active=true');
    expect((v6.json as Rec[])[0]?.['immediate-gw']).toBe('fe80::1%ether1');
  });

  it('counts with POST …/print count-only and .query, answering {"ret":"n"}', async () => {
    const tcp = await call(t, 0, '/rest/ip/firewall/connection/print', { method: 'POST', body: { 'count-only': '', '.query': ['protocol=tcp'] } });
    const udp = await call(t, 0, '/rest/ip/firewall/connection/print', { method: 'POST', body: { 'count-only': '', '.query': ['protocol=udp'] } });
    const all = await call(t, 0, '/rest/ip/firewall/connection/print', { method: 'POST', body: { 'count-only': '' } });
    expect(tcp.json).toEqual({ ret: '350' });
    expect(udp.json).toEqual({ ret: '125' });
    expect(all.json).toEqual({ ret: '500' });
    // The counts agree with the table the router really returns.
    const rows = (await call(t, 0, '/rest/ip/firewall/connection')).json as Rec[];
    expect(rows.filter((r) => r.protocol === 'tcp')).toHaveLength(350);
    // A query the router evaluates as a stack: tcp OR udp.
    const either = await call(t, 0, '/rest/ip/firewall/connection/print', {
      method: 'POST',
      body: { 'count-only': '', '.query': ['protocol=tcp', 'protocol=udp', '#|'] },
    });
    expect(either.json).toEqual({ ret: '475' });
    const v6 = await call(t, 0, '/rest/ipv6/firewall/connection/print', { method: 'POST', body: { 'count-only': '', '.query': ['protocol=tcp'] } });
    // 50 IPv6 entries: two full patterns of 20 (14 tcp each) and ten more tcp slots.
    expect(v6.json).toEqual({ ret: '38' });
  });

  it('returns the whole connection table: --conntrack entries of ~28 string fields', async () => {
    const r = await call(t, 1, '/rest/ip/firewall/connection');
    const rows = r.json as Rec[];
    expect(rows).toHaveLength(500);
    const tcp = rows.find((x) => x.protocol === 'tcp') as Rec;
    expect(Object.keys(tcp).length).toBeGreaterThanOrEqual(26);
    expect(tcp['src-address']).toMatch(/^192\.168\.88\.\d+:\d+$/);
    expect(new Set(rows.map((x) => x['.id'])).size).toBe(500);
    const v6 = await call(t, 1, '/rest/ipv6/firewall/connection');
    expect(v6.json).toHaveLength(50);
    const tracking = (await call(t, 1, '/rest/ip/firewall/connection/tracking')).json as Rec;
    expect(tracking['total-entries']).toBe('550');
  });

  it('answers /ping with one cumulative record per probe, the last one the summary', async () => {
    const r = await call(t, 0, '/rest/ping', { method: 'POST', body: { address: '127.0.0.1', count: '3', interval: '10ms' } });
    expect(r.status).toBe(200);
    const rows = r.json as Rec[];
    expect(rows).toHaveLength(3);
    expect(allStrings(rows)).toBe(true);
    expect(rows.map((x) => x.seq)).toEqual(['0', '1', '2']);
    const last = rows[2] as Rec;
    expect(last.sent).toBe('3');
    expect(Number(last.received)).toBeGreaterThanOrEqual(2);
    expect(last['avg-rtt']).toMatch(/^(?:\d+ms)?(?:\d+us)?$/);
    expect(last.host).toBe('127.0.0.1');
  });

  it('rejects /ping without an address, a bad count, and an argument ping does not have', async () => {
    const noAddress = await call(t, 0, '/rest/ping', { method: 'POST', body: { count: '1' } });
    expect(noAddress.status).toBe(400);
    const badCount = await call(t, 0, '/rest/ping', { method: 'POST', body: { address: '1.1.1.1', count: 'x' } });
    expect(badCount.json).toEqual({ detail: 'invalid value for argument count', error: 400, message: 'Bad Request' });
    const unknown = await call(t, 0, '/rest/ping', { method: 'POST', body: { address: '1.1.1.1', count: '1', colour: 'red' } });
    expect(unknown.json).toEqual({ detail: 'unknown parameter colour', error: 400, message: 'Bad Request' });
  });

  it('grows interface counters monotonically between two reads', async () => {
    const read = async () => {
      const rows = (await call(t, 0, '/rest/interface?name=ether1')).json as Rec[];
      return { rx: BigInt(rows[0]?.['rx-byte'] ?? '0'), tx: BigInt(rows[0]?.['tx-byte'] ?? '0') };
    };
    const a = await read();
    t.clock.now += 5000;
    const b = await read();
    t.clock.now += 5000;
    const c = await read();
    expect(b.rx).toBeGreaterThan(a.rx);
    expect(c.rx).toBeGreaterThan(b.rx);
    expect(c.tx).toBeGreaterThan(b.tx);
    // Between 1 and 200 Mbit/s: 5 s move the counter by 0.625–125 MB.
    const delta = Number(c.rx - b.rx);
    expect(delta).toBeGreaterThanOrEqual(625_000);
    expect(delta).toBeLessThanOrEqual(125_000_000);
    const up1 = ((await call(t, 0, '/rest/system/resource')).json as Rec).uptime;
    t.clock.now += 60_000;
    const up2 = ((await call(t, 0, '/rest/system/resource')).json as Rec).uptime;
    expect(up2).not.toBe(up1);
  });

  it('counts requests and response bytes per router and path', async () => {
    const first = await call(t, 2, '/rest/system/resource');
    await call(t, 2, '/rest/system/resource');
    const list = await call(t, 2, '/rest/ip/firewall/connection');
    await call(t, 2, '/rest/ip/firewall/connection/print', { method: 'POST', body: { 'count-only': '' } });
    const stats = t.fleet.stats();
    const s = stats[2];
    expect(s?.name).toBe('sim-0003');
    expect(s?.paths['GET /rest/system/resource']).toEqual({ requests: 2, bytes: 2 * Buffer.byteLength(first.text) });
    expect(s?.paths['GET /rest/ip/firewall/connection']).toEqual({ requests: 1, bytes: Buffer.byteLength(list.text) });
    expect(s?.paths['POST /rest/ip/firewall/connection/print']?.requests).toBe(1);
    expect(s?.requests).toBe(4);
    expect(stats[0]?.requests).toBe(0);
  });

  it('answers monitor-traffic once with current rates for the named interfaces', async () => {
    const r = await call(t, 0, '/rest/interface/monitor-traffic', {
      method: 'POST',
      body: { interface: 'ether1,bridge', once: '', '.proplist': 'name,rx-bits-per-second,tx-bits-per-second' },
    });
    const rows = r.json as Rec[];
    expect(rows.map((x) => x.name)).toEqual(['ether1', 'bridge']);
    expect(Number(rows[0]?.['rx-bits-per-second'])).toBeGreaterThanOrEqual(1_000_000);
    expect(Object.keys(rows[0] as Rec).sort()).toEqual(['name', 'rx-bits-per-second', 'tx-bits-per-second']);
    const unknown = await call(t, 0, '/rest/interface/monitor-traffic', { method: 'POST', body: { interface: 'ether9', once: '' } });
    expect(unknown.status).toBe(400);
  });

  it('answers like the router for unknown paths, a body without JSON type and write methods', async () => {
    const unknown = await call(t, 0, '/rest/no/such/menu');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toBe('{"detail":"no such command or directory (menu)","error":400,"message":"Bad Request"}');
    const media = await call(t, 0, '/rest/ip/address/print', { method: 'POST', body: '{}', contentType: 'text/plain' });
    expect(media.status).toBe(415);
    const bad = await call(t, 0, '/rest/ip/address/print', { method: 'POST', body: '{"count-only":', contentType: 'application/json' });
    expect(bad.status).toBe(400);
    // The router's JSON reader refuses a number with an exponent, which JSON.parse would take.
    const exponent = await call(t, 0, '/rest/ping', { method: 'POST', body: '{"address":"127.0.0.1","count":1e0}' });
    expect(exponent.json).toEqual({ detail: 'Failed to parse json', error: 400, message: 'Bad Request' });
    const patch = await call(t, 0, '/rest/ip/address/*1', { method: 'PATCH', body: { disabled: 'true' } });
    expect(patch.status).toBe(400);
    const item = await call(t, 0, '/rest/interface/ether1');
    expect((item.json as Rec).name).toBe('ether1');
    const missing = await call(t, 0, '/rest/interface/ether99');
    expect(missing.json).toEqual({ error: 404, message: 'Not Found' });
    const count = await call(t, 0, '/rest/ip/address/print', { method: 'POST', body: { 'count-only': '' } });
    expect(count.json).toEqual({ ret: '2' });
  });
});
