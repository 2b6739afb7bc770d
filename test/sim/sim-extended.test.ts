/**
 * The simulator's extended menus: the same record formats as the fixtures (every key a fixture
 * of that menu has, or one the RouterOS manual lists), all strings, slowly varying, strict about
 * `once`, and every extended collector reads them through the real client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectDhcpLeases } from '../../src/collect/dhcp-leases.js';
import { ExtendedRunner } from '../../src/collect/extended-runner.js';
import { routerSchema } from '../../src/config/schema.js';
import { createRouterClient } from '../../src/routeros/client.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { fixture } from '../routeros/fixture.js';
import { allStrings, call, PASSWORD, type TestFleet, startTestFleet } from './helpers.js';

type Rec = Record<string, string>;
let t: TestFleet;
let rests: RouterRest[] = [];

beforeEach(async () => {
  t = await startTestFleet({ routers: 5, conntrack: 100 });
});
afterEach(async () => {
  await Promise.all(rests.map((r) => r.close()));
  rests = [];
  await t.close();
});

function rest(index: number): RouterRest {
  const r = createRouterClient({ name: `sim${index}`, url: t.url(index), username: 'tikprobe', password: PASSWORD, tls: { verify: true }, timeoutMs: 5_000 });
  rests.push(r);
  return r;
}

/** Keys of a fixture's records. */
function keysOf(name: string): Set<string> {
  const f = fixture(name) as Rec | Rec[];
  return new Set((Array.isArray(f) ? f : [f]).flatMap((r) => Object.keys(r)));
}

const FORMATS: [string, number, string, string[]][] = [
  ['ip/dhcp-server/lease', 0, 'ip_dhcp_server_lease__hAP-ac2_7.16__telegraf.json', []],
  ['ip/dhcp-server', 1, 'ip_dhcp_server__SYNTHETIC__manual-fields.json', []],
  ['ppp/active', 1, 'ppp_active__SYNTHETIC__manual-fields.json', []],
  ['interface/wifi/registration-table', 0, 'interface_wifi_registration_table__SYNTHETIC__manual-fields.json', []],
  ['interface/wireless/registration-table', 1, 'interface_wireless_registration_table__SYNTHETIC__manual-fields.json', []],
  ['interface/wireguard/peers', 0, 'interface_wireguard_peers__SYNTHETIC__manual-fields.json', []],
  ['system/package/update', 0, 'system_package_update__SYNTHETIC__manual-fields.json', []],
  ['system/health', 4, 'system_health__SYNTHETIC__manual-fields.json', []],
  ['interface/ethernet', 0, 'interface_ethernet__terraform-provider-routeros.json', []],
];

describe('simulated extended menus', () => {
  it.each(FORMATS)('%s uses only the keys of its fixture, all strings', async (path, index, name) => {
    const r = await call(t, index, `/rest/${path}`);
    expect(r.status).toBe(200);
    expect(allStrings(r.json)).toBe(true);
    const allowed = keysOf(name);
    const rows = (Array.isArray(r.json) ? r.json : [r.json]) as Rec[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) for (const k of Object.keys(row)) expect(allowed.has(k), `${path}: ${k}`).toBe(true);
  });

  it('ethernet monitor: needs once, answers SFP optics in the fixture format, refuses unknown ports', async () => {
    const sfp = keysOf('interface_ethernet_monitor_sfp__SYNTHETIC__manual-fields.json');
    const once = await call(t, 4, '/rest/interface/ethernet/monitor', { method: 'POST', body: { numbers: 'ether1,sfp-sfpplus1', once: '' } });
    const rows = once.json as Rec[];
    expect(rows.map((r) => [r.name, r.rate])).toEqual([
      ['ether1', '1Gbps'],
      ['sfp-sfpplus1', '10Gbps'],
    ]);
    for (const k of Object.keys(rows[1] as Rec)) expect(sfp.has(k), k).toBe(true);
    expect(rows[1]?.['sfp-rx-power']).toMatch(/^-\d+\.\d{3}dBm$/);
    const unknown = await call(t, 4, '/rest/interface/ethernet/monitor', { method: 'POST', body: { numbers: 'ether99', once: '' } });
    expect(unknown.json).toEqual({ detail: 'no such item (ether99)', error: 400, message: 'Bad Request' });
  });

  it('a board without the package answers like a router without it', async () => {
    const none = await call(t, 2, '/rest/interface/wifi/registration-table');
    expect(none.status).toBe(400);
    expect(none.json).toEqual({ detail: 'no such command or directory (registration-table)', error: 400, message: 'Bad Request' });
  });

  it('values drift slowly: signals move within a few dB over minutes', async () => {
    const a = (await call(t, 0, '/rest/interface/wifi/registration-table')).json as Rec[];
    t.clock.now += 5 * 60_000;
    const b = (await call(t, 0, '/rest/interface/wifi/registration-table')).json as Rec[];
    const moves = a.map((r, i) => Math.abs(Number(r.signal) - Number(b[i]?.signal)));
    expect(Math.max(...moves)).toBeLessThanOrEqual(6);
    expect(moves.some((m) => m > 0)).toBe(true);
  });

  it('DHCP per server through the collector: counts match the listed table', async () => {
    const r = rest(1);
    const signal = new AbortController().signal;
    let s = await collectDhcpLeases(r, { reading: undefined, memory: undefined }, 8, t.clock.now, signal);
    for (let i = 0; i < 3; i++) s = await collectDhcpLeases(r, s, 8, t.clock.now, signal);
    const leases = (await call(t, 1, '/rest/ip/dhcp-server/lease')).json as Rec[];
    const count = (server: string, status: string) => leases.filter((l) => l.server === server && l.status === status).length;
    expect(s.reading?.servers.map((x) => [x.server, x.bound, x.waiting])).toEqual([
      ['defconf', count('defconf', 'bound'), count('defconf', 'waiting')],
      ['guest', count('guest', 'bound'), count('guest', 'waiting')],
    ]);
    expect((s.reading?.bound ?? 0) + (s.reading?.waiting ?? 0)).toBe(leases.length);
  });

  it('every extended collector reads a full simulated router (CCR with SFP) or says absent', async () => {
    const collectors = Object.fromEntries(['health', 'interfaces', 'ethernet', 'ppp', 'dhcp', 'wireless', 'wireguard', 'updates'].map((n) => [n, { enabled: true }]));
    const config = routerSchema.parse({ name: 'x', url: 'https://192.0.2.1', username: 'u', password: 'p', collectors }).collectors;
    for (const [index, wireless] of [
      [4, 'absent'],
      [0, 'ok'],
    ] as const) {
      const runner = new ExtendedRunner({ rest: rest(index), config, tickMs: 5_000, now: () => t.clock.now, notice: () => {} });
      for (let i = 0; i < 40; i++) {
        runner.tick(new AbortController().signal);
        await runner.idle();
        t.clock.now += 5_000;
      }
      const states = Object.fromEntries(runner.status().map((c) => [c.name, c.state]));
      expect(states).toEqual({ interfaces: 'ok', health: 'ok', ethernet: 'ok', ppp: 'ok', dhcp: 'ok', wireless, wireguard: 'ok', updates: 'ok' });
      const got = runner.latest();
      expect(got.dhcp?.servers.length).toBeGreaterThan(0);
      if (index === 4) {
        expect(got.ethernet?.find((e) => e.name === 'sfp-sfpplus1')?.sfp?.rxPowerDbm).toBeLessThan(0);
        expect(got.health?.states.map((s) => s.name)).toEqual(['psu1-state', 'psu2-state']);
      } else expect(got.wireless?.clients).toBeGreaterThan(0);
    }
  });
});
