/**
 * The extended collectors through the real REST client against the strict RouterOS fake:
 * capability probing, isolation, the interface limit, and the request budget per minute.
 */
import { describe, expect, it } from 'vitest';
import { ABSENT_RETRY_MS, ExtendedRunner } from '../../src/collect/extended-runner.js';
import { peakRequests } from '../../src/collect/plan.js';
import { routerSchema } from '../../src/config/schema.js';
import { fullRouterMenus, leaseTable } from '../fakes/routeros-menus.js';
import { useRouterHarness } from './harness.js';

const TICK = 5_000;

const ALL_ON = Object.fromEntries(
  ['health', 'interfaces', 'ethernet', 'ppp', 'dhcp', 'wireless', 'wireguard', 'updates'].map((n) => [n, { enabled: true }]),
);

/** Every collector on (most are opt-in), then `overrides`. */
function collectorsConfig(overrides: Record<string, unknown> = {}) {
  const collectors = { ...ALL_ON, ...overrides };
  const r = routerSchema.parse({ name: 'edge1', url: 'https://192.0.2.1', username: 'u', password: 'p', collectors });
  return r.collectors;
}

describe('extended runner', () => {
  const h = useRouterHarness();

  async function runMinutes(runner: ExtendedRunner, clock: { t: number }, ticks: number, perTick?: (n: number) => void) {
    for (let i = 0; i < ticks; i++) {
      runner.tick(h.signal);
      await runner.idle();
      perTick?.(i);
      clock.t += TICK;
    }
  }

  it('a router without the packages: every absent collector says so alone, the others work', async () => {
    const clock = { t: 0 };
    const runner = new ExtendedRunner({ rest: h.rest, config: collectorsConfig(), tickMs: TICK, now: () => clock.t, notice: () => {} });
    await runMinutes(runner, clock, 13);
    const states = Object.fromEntries(runner.status().map((s) => [s.name, s.state]));
    expect(states).toEqual({
      interfaces: 'ok',
      health: 'absent',
      ethernet: 'absent',
      ppp: 'absent',
      dhcp: 'absent',
      wireless: 'absent',
      wireguard: 'absent',
      updates: 'absent',
    });
    expect(runner.latest().interfaces?.interfaces.map((i) => i.name)).toEqual(['ether1', 'ether2', 'bridge']);
    // Absent menus are not asked again within the retry window.
    const before = h.fake.count('GET', 'system/health');
    await runMinutes(runner, clock, 24);
    expect(h.fake.count('GET', 'system/health')).toBe(before);
  });

  it('the default set: two collectors pending, the six opt-in ones disabled; an absent menu is asked again after the retry window', async () => {
    const clock = { t: 0 };
    const defaults = routerSchema.parse({ name: 'edge1', url: 'https://192.0.2.1', username: 'u', password: 'p' }).collectors;
    const runner = new ExtendedRunner({ rest: h.rest, config: defaults, tickMs: TICK, now: () => clock.t, notice: () => {} });
    const states = () => Object.fromEntries(runner.status().map((s) => [s.name, s.state]));
    expect(states()).toEqual({
      health: 'pending',
      interfaces: 'disabled',
      ethernet: 'disabled',
      ppp: 'disabled',
      dhcp: 'disabled',
      wireless: 'disabled',
      wireguard: 'disabled',
      updates: 'pending',
    });
    // A caller cannot change the runner's state or another router's: a disabled collector's record is
    // shared and frozen, an enabled one's is a copy.
    const named = (list: ReturnType<ExtendedRunner['status']>, name: string) => list.find((s) => s.name === name) as { state: string };
    expect(() => {
      named(runner.status(), 'interfaces').state = 'ok';
    }).toThrow(TypeError);
    named(runner.status(), 'health').state = 'ok';
    expect(named(runner.status(), 'interfaces')).toEqual({ name: 'interfaces', state: 'disabled', failures: 0 });
    expect(named(runner.status(), 'health')).toEqual({ name: 'health', state: 'pending', failures: 0 });
    await runMinutes(runner, clock, 13);
    expect(states()).toMatchObject({ health: 'absent', updates: 'absent', interfaces: 'disabled' });
    const asked = h.fake.count('GET', 'system/health');
    clock.t += ABSENT_RETRY_MS;
    await runMinutes(runner, clock, 13);
    expect(h.fake.count('GET', 'system/health')).toBe(asked + 1);
  });

  it('a full router: every collector reads its menu', async () => {
    h.fake.state.menus = fullRouterMenus();
    const clock = { t: 0 };
    const runner = new ExtendedRunner({ rest: h.rest, config: collectorsConfig(), tickMs: TICK, now: () => clock.t, notice: () => {} });
    await runMinutes(runner, clock, 25);
    expect(runner.status().every((s) => s.state === 'ok')).toBe(true);
    const r = runner.latest();
    expect(r.health?.states.find((s) => s.name === 'psu2-state')?.ok).toBe(false);
    expect(r.ethernet?.map((e) => [e.name, e.rateBps])).toEqual([
      ['ether1', 1e9],
      ['ether2', undefined],
    ]);
    expect(r.ppp).toEqual({ active: 2 });
    expect(r.dhcp?.bound).toBeGreaterThan(0);
    expect(r.wireless).toMatchObject({ package: 'wifi', clients: 2 });
    expect(r.wireguard?.[0]?.handshakeAgeSeconds).toBe(74);
    expect(r.updates?.available).toBe(true);
    // count-only: the lease table and PPP sessions were never listed.
    expect(h.fake.count('GET', 'ip/dhcp-server/lease')).toBe(0);
    expect(h.fake.count('GET', 'ppp/active')).toBe(0);
  });

  it('a failing collector degrades alone and recovers', async () => {
    h.fake.state.menus = fullRouterMenus();
    h.fake.fault('system/health', '500', 1);
    const clock = { t: 0 };
    const runner = new ExtendedRunner({
      rest: h.rest,
      config: collectorsConfig({ health: { enabled: true, every: '15s' } }),
      tickMs: TICK,
      now: () => clock.t,
      notice: () => {},
    });
    const seen: string[] = [];
    await runMinutes(runner, clock, 8, () => seen.push(runner.status().find((s) => s.name === 'health')?.state ?? ''));
    expect(seen).toContain('failing');
    expect(seen.at(-1)).toBe('ok');
    expect(runner.status().find((s) => s.name === 'interfaces')?.state).toBe('ok');
  });

  it('300 interfaces: exports the limit and says once that it truncated', async () => {
    h.fake.state.interfaces = Array.from({ length: 300 }, (_, i) => ({ id: `*${i + 1}`, name: `vlan${i}`, type: 'vlan', rxBytes: 1n, txBytes: 2n }));
    const notices: string[] = [];
    const clock = { t: 0 };
    const runner = new ExtendedRunner({ rest: h.rest, config: collectorsConfig(), tickMs: TICK, now: () => clock.t, notice: (m) => notices.push(m) });
    await runMinutes(runner, clock, 12);
    expect(runner.latest().interfaces?.interfaces).toHaveLength(64);
    expect(notices).toEqual(['exporting 64 interfaces of 300 (collectors.interfaceLimit); the rest are left out']);
  });

  it('12 DHCP servers over the limit of 3: per-server counts for 3, said once, the totals for all', async () => {
    const servers = Array.from({ length: 12 }, (_, i) => `s${i}`);
    h.fake.state.menus = {
      'ip/dhcp-server': servers.map((name, i) => ({ '.id': `*${i + 1}`, name, disabled: 'false' })),
      'ip/dhcp-server/lease': leaseTable(120, servers),
    };
    const notices: string[] = [];
    const clock = { t: 0 };
    const config = collectorsConfig({ dhcp: { enabled: true, every: '15s' }, dhcpServerLimit: 3 });
    const runner = new ExtendedRunner({ rest: h.rest, config, tickMs: TICK, now: () => clock.t, notice: (m) => notices.push(m) });
    await runMinutes(runner, clock, 48);
    const dhcp = runner.latest().dhcp;
    expect(dhcp?.servers.map((s) => s.server)).toEqual(['s0', 's1', 's2']);
    expect(dhcp).toMatchObject({ bound: 108, waiting: 12, serversNotCounted: 9 });
    expect(notices.filter((m) => m.includes('DHCP'))).toEqual([
      "counting 3 DHCP servers one by one of 12 (collectors.dhcpServerLimit); the others' leases are in the totals only",
    ]);
  });

  it('request budget: every collector on, per minute and per 5 s cycle', async () => {
    h.fake.state.menus = fullRouterMenus();
    const clock = { t: 0 };
    const runner = new ExtendedRunner({ rest: h.rest, config: collectorsConfig(), tickMs: TICK, now: () => clock.t, notice: () => {} });
    const perTick: number[] = [];
    let last = h.rest.stats().requests;
    // Two minutes: the first includes the one-off probes and the 6 h update read.
    await runMinutes(runner, clock, 24, () => {
      const total = h.rest.stats().requests;
      perTick.push(total - last);
      last = total;
    });
    const secondMinute = perTick.slice(12).reduce((a, b) => a + b, 0);
    expect(secondMinute).toBeLessThanOrEqual(16);
    expect(Math.max(...perTick)).toBeLessThanOrEqual(peakRequests(runner.plan()) + 1);
    expect(Math.max(...perTick)).toBeLessThanOrEqual(3);
    // Spread: in the steady minute, no two consecutive cycles both carry the peak.
    expect(perTick.slice(12).filter((n) => n === 0)).toHaveLength(0);
  });
});

describe('extended runner isolation from the report cycle', () => {
  const h = useRouterHarness();

  it('a hanging collector: tick() returns at once, due work waits, nothing overlaps', async () => {
    h.fake.state.menus = fullRouterMenus();
    h.fake.fault('interface', 'timeout');
    const clock = { t: 0 };
    const runner = new ExtendedRunner({ rest: h.rest, config: collectorsConfig(), tickMs: TICK, now: () => clock.t, notice: () => {} });
    runner.tick(h.signal);
    await h.fake.nextHang();
    const requestsWhileHung = h.rest.stats().requests;
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      runner.tick(h.signal); // the report cycle's call: synchronous, never awaits the router
      expect(performance.now() - started).toBeLessThan(50);
      clock.t += TICK;
    }
    expect(h.rest.stats().requests).toBe(requestsWhileHung);
    h.fake.clearFaults();
    h.fake.releaseHangs();
    await runner.idle();
    expect(runner.status().find((s) => s.name === 'interfaces')?.state).toBe('failing');
    runner.tick(h.signal);
    await runner.idle();
    // What fell due meanwhile ran once, not once per missed tick.
    expect(runner.status().filter((s) => s.state === 'ok').length).toBeGreaterThan(1);
  });
});
