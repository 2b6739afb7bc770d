import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { createFleet, type Fleet, fleetYaml, PASSWORD } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

/** Advances the manual clock by `ms` and waits until every router loop and every dashboard hand-off is idle again. */
const TIMERS = (routers: number) => 2 * routers + 1; // per router its poll loop and its Komari task-list refresh, + the state flusher

describe('bridge against RouterOS and Komari fakes', () => {
  it('reports every router with its own numbers, exact integer types and true rates', async () => {
    fleet = await createFleet({ routers: 2 });
    const [a, b] = fleet.routers;
    b!.fake.state.resource.cpuLoad = 55;
    // The fake's WAN address (192.168.0.252) is private and never reported; /ip/cloud knows the public one.
    a!.fake.state.cloud = { publicAddress: '198.51.100.25' };
    await fleet.start();
    await fleet.step(0, TIMERS(2));
    expect(fleet.reports('r0')).toHaveLength(1);
    expect(fleet.reports('r1')).toHaveLength(1);

    const info = fleet.komari.received.basicInfo.find((x) => x.token === a!.token)!.body as Record<string, unknown>;
    expect(info).toMatchObject({ os: 'RouterOS 7.20.5 (stable)', arch: 'arm64', cpu_cores: 4, mem_total: 1073741824, disk_total: 134217728 });
    expect(info.ipv4).toBe('198.51.100.25');

    // 5 s later: 5 000 000 bytes received and 500 000 sent on the default-route interface (ether1).
    const ether1 = a!.fake.state.interfaces.find((i) => i.name === 'ether1')!;
    ether1.rxBytes += 5_000_000n;
    ether1.txBytes += 500_000n;
    await fleet.step(5000, TIMERS(2));

    const [first, second] = fleet.reports('r0');
    expect(first!.network).toMatchObject({ up: 0, down: 0, totalUp: 0, totalDown: 0 });
    expect(second!.network).toEqual({ up: 100_000, down: 1_000_000, totalUp: 500_000, totalDown: 5_000_000 });
    expect(second!.ram).toEqual({ total: 1073741824, used: 1073741824 - 705699840 });
    expect(second!.uptime).toBe(4360);
    expect(second!.connections).toEqual({ tcp: 124, udp: 32 });
    expect(fleet.reports('r1').at(-1)!.cpu.usage).toBe(55);
    // The strict fake refused nothing and saw nothing the real server would silently accept.
    expect(fleet.komari.refused).toEqual([]);
    fleet.komari.assertNoViolations();
  });

  it('the fleet says a line many routers share once per router up to 5, then counts the rest in one line (at stop at the latest)', async () => {
    fleet = await createFleet({ routers: 8 });
    await fleet.start();
    await fleet.step(0, TIMERS(8));
    const up = () => fleet.log.lines().filter((l) => l.msg === 'router up');
    expect(up().map((l) => l.level)).toEqual([30, 30, 30, 30, 30, 20, 20, 20]);
    expect(new Set(up().map((l) => l.router)).size).toBe(8);
    await fleet.running?.stop();
    const summary = fleet.log.lines().filter((l) => l.topic === 'router up');
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ level: 30, more: 3 });
    fleet.running = undefined;
  });

  it('never downloads the connection table and pulls few requests per cycle', async () => {
    fleet = await createFleet({ routers: 1 });
    await fleet.start();
    await fleet.step(0, TIMERS(1));
    const fake = fleet.routers[0]!.fake;
    const before = [...fake.counts.values()].reduce((x, y) => x + y, 0);
    for (let i = 0; i < 5; i++) await fleet.step(5000, TIMERS(1));
    const after = [...fake.counts.values()].reduce((x, y) => x + y, 0);
    expect(fake.count('GET', 'ip/firewall/connection')).toBe(0);
    expect(fake.count('GET', 'ipv6/firewall/connection')).toBe(0);
    // resource + interface per cycle; connection counts only every 30 s.
    expect((after - before) / 5).toBeLessThanOrEqual(2.8);
  });

  it.each([
    ['401', 'ROUTER_AUTH'],
    ['500', 'ROUTER_TRANSIENT'],
    ['malformed', 'ROUTER_MALFORMED'],
    ['html403', 'ROUTER_TRANSIENT'],
    ['reset', 'ROUTER_TRANSIENT'],
  ] as const)('a router answering %s sends nothing, the other keeps reporting, and no traffic is lost', async (kind, code) => {
    fleet = await createFleet({ routers: 2 });
    const [bad] = fleet.routers;
    await fleet.start();
    await fleet.step(0, TIMERS(2));
    bad!.fake.fault('system/resource', kind);
    const ether1 = bad!.fake.state.interfaces.find((i) => i.name === 'ether1')!;
    ether1.rxBytes += 1_000_000n;
    await fleet.step(5000, TIMERS(2));
    expect(fleet.reports('r0')).toHaveLength(1);
    expect(fleet.reports('r1')).toHaveLength(2);
    const view = fleet.running!.bridge.view().find((v) => v.name === 'r0')!;
    expect(view.lastErrorCode).toBe(code);
    expect(view.state).toBe(code === 'ROUTER_AUTH' ? 'down' : 'backoff');

    bad!.fake.clearFaults();
    ether1.rxBytes += 1_000_000n;
    for (let i = 0; i < 12; i++) await fleet.step(5000, TIMERS(2)); // past the slowest retry (60 s)
    const last = fleet.reports('r0').at(-1)!;
    expect(last.network.totalDown).toBe(2_000_000);
    expect(fleet.reports('r1').length).toBeGreaterThanOrEqual(13);
  });

  it('a router that times out backs off and recovers by itself', async () => {
    fleet = await createFleet({ routers: 1, timeout: '300ms' });
    await fleet.start();
    await fleet.step(0, TIMERS(1));
    fleet.routers[0]!.fake.fault('system/resource', 'timeout', 1);
    // The baseline was written within a second of the first poll; the failed poll marks nothing: the loop's timer and the task-list refresh only.
    await fleet.step(5000, 2);
    expect(fleet.running!.bridge.view()[0]!.lastErrorCode).toBe('ROUTER_TIMEOUT');
    await fleet.step(10_000, TIMERS(1));
    expect(fleet.running!.bridge.view()[0]!.state).toBe('up');
    expect(fleet.reports('r0').length).toBe(2);
  });

  it('without a default route it says so and re-reads routes once a minute, not every cycle', async () => {
    fleet = await createFleet({ routers: 1, state: () => ({ routes: [], routes6: [] }) });
    const fake = fleet.routers[0]!.fake;
    await fleet.start();
    // Nothing succeeds, so nothing is marked for the state flusher: the loop's and the task-list refresh are the only timers.
    await fleet.step(0, 2);
    // Retries with backoff (5, 10, 20 s …) over 55 s: the router is asked for its routes once.
    for (let t = 0; t < 11; t++) await fleet.step(5000, 2);
    expect(fake.count('GET', 'ip/route')).toBe(1);
    const view = fleet.running!.bridge.view()[0]!;
    expect(view.lastErrorCode).toBe('ROUTER_MALFORMED');
    expect(view.lastError).toContain('traffic.interfaces');
    expect(fleet.reports('r0')).toHaveLength(0);
    // A default route appears: found at the next minute's read, and the router reports.
    fake.state.routes = [{ dst: '0.0.0.0/0', gateway: '192.168.0.1', immediateGw: '192.168.0.1%ether1', active: true, routingTable: 'main' }];
    const up = () => fleet.running!.bridge.view()[0]!.state === 'up';
    for (let t = 0; t < 14 && !up(); t++) await fleet.step(5000, 2);
    await vi.waitFor(() => expect(fleet.reports('r0').length).toBeGreaterThan(0), { timeout: 5000, interval: 5 });
    expect(fake.count('GET', 'ip/route')).toBe(2);
  });

  it('falls back to the tracking total once when count-only is not answered, says so once, never downloads the table', async () => {
    fleet = await createFleet({ routers: 1, state: () => ({ countOnly: 'array' }) });
    const fake = fleet.routers[0]!.fake;
    await fleet.start();
    await fleet.step(0, TIMERS(1));
    for (let t = 0; t < 13; t++) await fleet.step(5000, TIMERS(1)); // two more connection refreshes
    const said = fleet.log.lines().filter((l) => String(l.msg).startsWith('the router cannot count connections per protocol'));
    expect(said).toHaveLength(1);
    const { tcp4, udp4, tcp6, udp6, other } = { tcp4: 120, udp4: 30, tcp6: 4, udp6: 2, other: 3 };
    expect(fleet.reports('r0').at(-1)!.connections).toEqual({ tcp: tcp4 + udp4 + other + tcp6 + udp6, udp: 0 });
    expect(fake.count('GET', 'ip/firewall/connection')).toBe(0);
    expect(fake.count('GET', 'ipv6/firewall/connection')).toBe(0);
  });

  it('a failing collector degrades alone: the router still reports, the failure is logged once, recovery once', async () => {
    fleet = await createFleet({ routers: 1 });
    const fake = fleet.routers[0]!.fake;
    fake.fault('ip/firewall/connection/print', '500');
    await fleet.start();
    await fleet.step(0, TIMERS(1));
    for (let t = 0; t < 12; t++) await fleet.step(5000, TIMERS(1)); // two more connection refreshes
    const view = fleet.running!.bridge.view()[0]!;
    expect(view.state).toBe('up');
    expect(view.degraded).toEqual(['connections']);
    expect(fleet.reports('r0')).toHaveLength(13);
    const warned = () => fleet.log.lines().filter((l) => l.msg === 'connection counts not readable; keeping the last values');
    expect(warned()).toHaveLength(1);
    fake.clearFaults();
    for (let t = 0; t < 6; t++) await fleet.step(5000, TIMERS(1));
    expect(fleet.running!.bridge.view()[0]!.degraded).toEqual([]);
    expect(fleet.log.lines().filter((l) => l.msg === 'connection counts readable again')).toHaveLength(1);
    expect(fleet.reports('r0').at(-1)!.connections).toEqual({ tcp: 124, udp: 32 });
  });

  it('keeps totals growing across a router reboot and a re-created PPPoE interface', async () => {
    fleet = await createFleet({
      routers: 1,
      extraYaml: '  traffic: { interfaces: [pppoe-out1] }',
      state: () => ({
        interfaces: [{ id: '*10', name: 'pppoe-out1', type: 'pppoe-out', running: true, rxBytes: 1000n, txBytes: 100n }],
      }),
    });
    const fake = fleet.routers[0]!.fake;
    // A shape change schedules an urgent state write: that timer can satisfy idle() before the
    // poll's report is handed on, so each step also waits for its report.
    const reported = (n: number) => vi.waitFor(() => expect(fleet.reports('r0')).toHaveLength(n), { timeout: 5000, interval: 5 });
    await fleet.start();
    await fleet.step(0, TIMERS(1));
    await reported(1);
    fake.state.interfaces[0]!.rxBytes = 11_000n; // +10 000
    await fleet.step(5000, TIMERS(1));
    await reported(2);
    // PPPoE reconnect: new .id, counters from 0.
    fake.state.interfaces = [{ id: '*11', name: 'pppoe-out1', type: 'pppoe-out', running: true, rxBytes: 3000n, txBytes: 0n }];
    await fleet.step(5000, TIMERS(1));
    await reported(3);
    // Reboot: uptime drops, counters restart.
    fake.state.resource.uptimeS = 20;
    fake.state.interfaces = [{ id: '*1', name: 'pppoe-out1', type: 'pppoe-out', running: true, rxBytes: 500n, txBytes: 0n }];
    await fleet.step(5000, TIMERS(1));
    await reported(4);
    const totals = fleet.reports('r0').map((r) => r.network.totalDown);
    expect(totals).toEqual([0, 10_000, 13_000, 13_500]);
    expect(fleet.reports('r0').at(-1)!.uptime).toBe(20);
  });

  it('persists totals on stop and continues from them after a restart', async () => {
    fleet = await createFleet({ routers: 1 });
    const ether1 = fleet.routers[0]!.fake.state.interfaces.find((i) => i.name === 'ether1')!;
    await fleet.start();
    await fleet.step(0, TIMERS(1));
    ether1.txBytes += 7000n;
    await fleet.step(5000, TIMERS(1));
    await fleet.running!.stop();
    const saved = JSON.parse(readFileSync(join(fleet.stateDir, 'routers.state'), 'utf8'));
    expect(saved.routers.r0.traffic.totalUpBytes).toBe('7000');

    ether1.txBytes += 3000n; // traffic while the bridge was down
    await fleet.start();
    await fleet.step(0, TIMERS(1));
    expect(fleet.reports('r0').at(-1)!.network.totalUp).toBe(10_000);
  });

  it('Komari failures (400, 401, 500, timeout) keep the process and the other routers running', async () => {
    fleet = await createFleet({ routers: 2 });
    await fleet.start();
    await fleet.step(0, TIMERS(2));
    for (const fault of [500, 401, 400] as const) {
      fleet.komari.fault('report', fault, { times: 1 });
      await fleet.step(5000, TIMERS(2));
    }
    const before = fleet.komari.received.reports.length;
    await fleet.step(5000, TIMERS(2));
    expect(fleet.komari.received.reports.length).toBeGreaterThan(before);
    expect(fleet.running!.bridge.view().every((v) => v.state === 'up')).toBe(true);
  });

  it('reload adds, removes and changes routers and leaves untouched ones alone', async () => {
    fleet = await createFleet({ routers: 3 });
    await fleet.start();
    await fleet.step(0, TIMERS(3));
    const [r0, r1, r2] = fleet.routers;
    // /status reads the views by name one at a time: a router removed meanwhile is left out.
    const byName = fleet.running!.bridge.viewsByName();
    expect(byName.next().value?.name).toBe('r0');
    const next = fleetYaml([r0!, r2!], fleet.komariServer.url, fleet.stateDir, '1s', '').replace(
      `name: r2\n    url: ${r2!.server.url}`,
      `name: r2\n    url: ${r2!.server.url}\n    publicIp: 203.0.113.9`,
    );
    const summary = await fleet.running!.bridge.reload(await loadConfigText(next, 'fleet.yaml', { ROUTER_PASSWORD: PASSWORD }));
    expect(summary).toEqual({ added: [], removed: ['r1'], changed: ['r2'], unchanged: ['r0'] });
    expect([...byName].map((v) => v.name)).toEqual(['r2']);
    expect([...fleet.running!.bridge.viewsByName()].map((v) => v.name)).toEqual(['r0', 'r2']);
    const r1Before = fleet.reports('r1').length;
    await fleet.step(5000, TIMERS(2));
    expect(fleet.reports('r1').length).toBe(r1Before);
    expect(fleet.reports('r0').length).toBe(2);
    const r2Info = fleet.komari.received.basicInfo.filter((x) => x.token === r2!.token).at(-1)!.body as Record<string, unknown>;
    expect(r2Info.ipv4).toBe('203.0.113.9');
    expect(r1).toBeDefined();
  });

  it('never writes a password or token into any log line', async () => {
    fleet = await createFleet({ routers: 2 });
    fleet.routers[0]!.fake.fault('system/resource', '401');
    fleet.komari.fault('report', 401);
    await fleet.start();
    await fleet.step(0, TIMERS(2));
    for (let i = 0; i < 12; i++) await fleet.step(5000, TIMERS(2));
    const text = fleet.log.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(PASSWORD);
    for (const r of fleet.routers) expect(text).not.toContain(r.token);
    expect(text).not.toContain(Buffer.from(`tikprobe:${PASSWORD}`).toString('base64'));
  });
});
