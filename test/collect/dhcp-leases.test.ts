/**
 * DHCP leases per server: the pure rotation and server list, then the collector through the
 * real client against the strict RouterOS fake with 2 000 leases (requests stay at two per run).
 */
import { describe, expect, it } from 'vitest';
import {
  applyStep,
  collectDhcpLeases,
  type DhcpLeaseCounts,
  type DhcpMemory,
  nextStep,
  parseServerList,
  SERVER_LIST_MS,
} from '../../src/collect/dhcp-leases.js';
import { leaseTable } from '../fakes/routeros-menus.js';
import { fixture } from '../routeros/fixture.js';
import { useRouterHarness } from './harness.js';

type Rec = Record<string, string>;

const memory = (servers: string[], next = 0, notCounted = 0): DhcpMemory => ({ servers, notCounted, listedAt: 0, next });

describe('server list', () => {
  it('keeps enabled servers by name, in RouterOS order, from the all-string fixture', () => {
    expect(parseServerList(fixture('ip_dhcp_server__SYNTHETIC__manual-fields.json'), 8)).toEqual({ servers: ['lan_dhcp', 'guest_dhcp'], notCounted: 0 });
  });
  it('bounds the list by the limit and says how many were left out', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ name: `s${i}`, disabled: 'false' }));
    expect(parseServerList(rows, 3)).toEqual({ servers: ['s0', 's1', 's2'], notCounted: 9 });
  });
  it('takes a singleton object, skips nameless, duplicate and non-record rows, accepts yes/no', () => {
    expect(parseServerList({ name: 'only' }, 8).servers).toEqual(['only']);
    expect(parseServerList([{ name: 'a' }, { disabled: 'false' }, 'x', null, { name: 'a' }, { name: 'b', disabled: 'yes' }], 8).servers).toEqual(['a']);
    expect(parseServerList('not a list', 8)).toEqual({ servers: [], notCounted: 0 });
  });
});

describe('rotation', () => {
  it('lists first, then again after an hour', () => {
    expect(nextStep(undefined, 0)).toEqual({ kind: 'list' });
    expect(nextStep(memory(['a']), SERVER_LIST_MS - 1)).toEqual({ kind: 'totals' });
    expect(nextStep(memory(['a']), SERVER_LIST_MS)).toEqual({ kind: 'list' });
  });
  it('one server or none: always the totals; several: totals, then each server in turn', () => {
    expect([0, 1, 2].map((n) => nextStep(memory(['a'], n), 1).kind)).toEqual(['totals', 'totals', 'totals']);
    expect([0, 1, 2].map((n) => nextStep(memory([], n), 1).kind)).toEqual(['totals', 'totals', 'totals']);
    const steps = [0, 1, 2, 3, 4].map((n) => nextStep(memory(['a', 'b'], n), 1));
    expect(steps).toEqual([{ kind: 'totals' }, { kind: 'server', server: 'a' }, { kind: 'server', server: 'b' }, { kind: 'totals' }, { kind: 'server', server: 'a' }]);
  });
  it('a single server gets the totals as its own counts', () => {
    const d = applyStep(undefined, memory(['lan']), { kind: 'totals' }, { bound: 5, waiting: 1 }, 42);
    expect(d).toEqual({ bound: 5, waiting: 1, totalsCountedAt: 42, servers: [{ server: 'lan', bound: 5, waiting: 1, countedAt: 42 }], serversNotCounted: 0 });
  });
  it('keeps each server in list order, replaces its own counts, drops servers no longer listed', () => {
    const m = memory(['a', 'b'], 0, 2);
    let d: DhcpLeaseCounts | undefined = applyStep(undefined, m, { kind: 'totals' }, { bound: 9, waiting: 2 }, 1);
    d = applyStep(d, m, { kind: 'server', server: 'b' }, { bound: 4, waiting: 0 }, 2);
    d = applyStep(d, m, { kind: 'server', server: 'a' }, { bound: 3, waiting: 1 }, 3);
    expect(d?.servers.map((s) => [s.server, s.bound, s.waiting, s.countedAt])).toEqual([
      ['a', 3, 1, 3],
      ['b', 4, 0, 2],
    ]);
    expect(d).toMatchObject({ bound: 9, waiting: 2, totalsCountedAt: 1, serversNotCounted: 2 });
    d = applyStep(d, memory(['b']), { kind: 'list' }, undefined, 4);
    expect(d?.servers.map((s) => s.server)).toEqual(['b']);
    expect(d).toMatchObject({ bound: 9, waiting: 2, serversNotCounted: 0 });
  });
  it('a list read before any count leaves the reading empty', () => {
    expect(applyStep(undefined, memory(['a']), { kind: 'list' }, undefined, 1)).toBeUndefined();
  });
});

describe('collectDhcpLeases against the fake', () => {
  const h = useRouterHarness();

  it('2 000 leases over two servers: every run at most two short requests, never the lease list', async () => {
    h.fake.state.menus = {
      'ip/dhcp-server': fixture('ip_dhcp_server__SYNTHETIC__manual-fields.json') as Rec[],
      'ip/dhcp-server/lease': leaseTable(2000, ['lan_dhcp', 'guest_dhcp']),
    };
    let state: { reading: DhcpLeaseCounts | undefined; memory: DhcpMemory | undefined } = { reading: undefined, memory: undefined };
    const perRun: number[] = [];
    for (let run = 0; run < 4; run++) {
      const before = h.server.requests.length;
      state = await collectDhcpLeases(h.rest, state, 8, run * 60_000, h.signal);
      perRun.push(h.server.requests.length - before);
    }
    expect(perRun).toEqual([1, 2, 2, 2]);
    expect(h.fake.count('GET', 'ip/dhcp-server/lease')).toBe(0);
    expect(state.reading).toMatchObject({ bound: 1800, waiting: 200, serversNotCounted: 0 });
    expect(state.reading?.servers.map((s) => [s.server, s.bound, s.waiting])).toEqual([
      ['lan_dhcp', 1000, 0],
      ['guest_dhcp', 800, 200],
    ]);
    const bodies = h.server.requests.filter((r) => r.url.endsWith('lease/print')).map((r) => JSON.parse(r.body));
    expect(bodies).toContainEqual({ 'count-only': '', '.query': ['server=guest_dhcp', 'status=waiting'] });
  });

  it('a router without the dhcp package: the list read fails as unsupported', async () => {
    await expect(collectDhcpLeases(h.rest, { reading: undefined, memory: undefined }, 8, 0, h.signal)).rejects.toMatchObject({ code: 'ROUTER_UNSUPPORTED' });
  });

  it('no server configured: the totals are still counted (leases for all servers), no per-server series', async () => {
    h.fake.state.menus = { 'ip/dhcp-server': [], 'ip/dhcp-server/lease': leaseTable(3, ['all']) };
    const listed = await collectDhcpLeases(h.rest, { reading: undefined, memory: undefined }, 8, 0, h.signal);
    const d = await collectDhcpLeases(h.rest, listed, 8, 1, h.signal);
    expect(d.reading).toEqual({ bound: 3, waiting: 0, totalsCountedAt: 1, servers: [], serversNotCounted: 0 });
  });
});
