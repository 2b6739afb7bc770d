import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PingHistory } from '../../../src/integrations/nezha/history.js';
import { type NezhaFake, startNezhaFake } from '../../fakes/nezha.js';
import { bufferLogger } from '../../support/log-buffer.js';
import { ManualClock } from '../../support/manual-clock.js';
import { addRouter, makeFactory, nodeOf, period, SECRET, sampleOf, type TestRouter } from './harness.js';

const WARN = 40;
const ERROR = 50;
let fake: NezhaFake;
let clock: ManualClock;
let log: ReturnType<typeof bufferLogger>;
const started: TestRouter[] = [];

beforeEach(async () => {
  fake = await startNezhaFake({ secret: SECRET });
  clock = new ManualClock();
  log = bufferLogger();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.sink.stop()));
  await fake.close();
  // The agent secret never appears in any log line, at any level.
  expect(log.text()).not.toContain(SECRET);
});

/** Log lines at exactly this pino level (40 warn, 50 error). */
function at(level: number): { level: number; msg: string }[] {
  return log.lines().filter((e) => e.level === level) as { level: number; msg: string }[];
}

async function launch(names: string[], factory = makeFactory(fake.address, clock, log.logger)): Promise<TestRouter[]> {
  const routers = names.map((n) => addRouter(factory, n, log.logger));
  for (const r of routers) {
    await r.sink.start();
    started.push(r);
  }
  return routers;
}

describe('a router as a Nezha node', () => {
  it('registers under a UUID of this installation and its name that is the same after a restart', async () => {
    const [a, b] = await launch(['home-gw', 'branch-1']);
    await period([a!, b!], clock);
    const expected = nodeOf('home-gw');
    expect(fake.hosts.has(expected)).toBe(true);
    expect(fake.hosts.has(nodeOf('branch-1'))).toBe(true);
    await Promise.all(started.splice(0).map((r) => r.sink.stop()));

    // A new process (new factory, new sinks) reports the same node.
    const [again] = await launch(['home-gw']);
    await period([again!], clock);
    expect(fake.hosts.get(expected)).toHaveLength(2);
    expect([...fake.hosts.keys()]).toHaveLength(2);
    // Auth metadata in both spellings on every call.
    for (const c of fake.calls) expect(c.keys.filter((k) => k.startsWith('client'))).toEqual(['client-secret', 'client-uuid', 'client_secret', 'client_uuid']);
  });

  it('a configured uuid wins over the derived one', async () => {
    const factory = makeFactory(fake.address, clock, log.logger);
    const r = addRouter(factory, 'home-gw', log.logger, { nezha: { uuid: 'A1B2C3D4-0000-4000-8000-00000000CAFE' } });
    await r.sink.start();
    started.push(r);
    await period([r], clock);
    expect([...fake.hosts.keys()]).toEqual(['a1b2c3d4-0000-4000-8000-00000000cafe']);
  });

  it('a router with nezha: false gets no sink', () => {
    const factory = makeFactory(fake.address, clock, log.logger);
    expect(() => addRouter(factory, 'quiet', log.logger, { nezha: false })).toThrow('no sink');
  });

  it('sends the Host first, then one State per report interval, each answered before the next', async () => {
    const [r] = await launch(['home-gw']);
    const uuid = nodeOf('home-gw');
    await period([r!], clock); // connects: Host, GeoIP, streams
    expect(fake.hosts.get(uuid)?.[0]?.value).toMatchObject({
      platform: 'RouterOS',
      platform_version: '7.20.5 (stable)',
      cpu: ['ARM64 4 cores 1200MHz (hAP ax^2)'],
      mem_total: 1073741824,
      disk_total: 134217728,
      arch: 'arm64',
      virtualization: '',
      version: 'tikprobe 0.1.0',
    });
    expect(fake.geoips.get(uuid)).toEqual([{ use6: false, ip: { ipv4: '203.0.113.7', ipv6: '' }, country_code: '', dashboard_boot_time: 0 }]);
    expect(fake.states.get(uuid)).toBeUndefined();
    for (let i = 1; i <= 5; i++) {
      await period([r!], clock);
      expect(fake.states.get(uuid)).toHaveLength(i);
    }
    expect(r!.sink.statesAcknowledged).toBe(5);
    // Temperatures ride on the sample (the poller reads /system/health): from the first State on.
    expect(fake.states.get(uuid)?.[0]?.value.temperatures).toEqual([{ name: 'cpu-temperature', temperature: 47 }]);
    expect(fake.states.get(uuid)?.at(-1)?.value).toMatchObject({
      cpu: 7,
      mem_used: 1073741824 - 805306368,
      disk_used: 134217728 - 100663296,
      net_in_transfer: 12345678901,
      net_out_transfer: 981234567,
      net_in_speed: 2500000,
      net_out_speed: 125000,
      tcp_conn_count: 123,
      udp_conn_count: 45,
      load1: 0,
      swap_used: 0,
      temperatures: [{ name: 'cpu-temperature', temperature: 47 }],
    });
    // The Host is not re-sent every cycle, and the GeoIP only once while the address holds.
    expect(fake.hosts.get(uuid)).toHaveLength(1);
    expect(fake.geoips.get(uuid)).toHaveLength(1);
  });

  it('keeps boot_time steady across many reports and moves it only after a reboot', async () => {
    const [r] = await launch(['home-gw']);
    const uuid = nodeOf('home-gw');
    // 10 min of reports, polls finishing at jittering times: the Host is re-sent after 10 min.
    for (let i = 0; i < 210; i++) {
      r!.sink.offer(sampleOf(r!, clock, { takenAt: clock.now() - (i % 3) * 400 }));
      clock.advance(3000);
      r!.uptimeS += 3;
      await r!.sink.settled();
    }
    const before = fake.hosts.get(uuid)!.map((h) => h.value.boot_time);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(new Set(before).size).toBe(1);
    // The router reboots: uptime starts again from 40 s.
    r!.uptimeS = 40;
    await period([r!], clock);
    await period([r!], clock);
    const after = fake.hosts.get(uuid)!.map((h) => h.value.boot_time);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toBeGreaterThan(before[0]!);
    expect(after.at(-1)).toBe(Math.round(clock.now() / 1000) - 46);
  });

  it('falls back to ReportSystemInfo when the dashboard lacks ReportSystemInfo2', async () => {
    await fake.close();
    fake = await startNezhaFake({ secret: SECRET, legacy: true });
    const [r] = await launch(['home-gw']);
    await period([r!], clock);
    await period([r!], clock);
    const uuid = nodeOf('home-gw');
    expect(fake.hosts.get(uuid)).toHaveLength(1);
    expect(fake.states.get(uuid)).toHaveLength(1);
  });

  it('sends no GeoIP when the router has no known public address', async () => {
    const [r] = await launch(['home-gw']);
    r!.sink.offer(sampleOf(r!, clock, { info: { ...sampleOf(r!, clock).info, publicIpv4: undefined, publicIpv6: undefined } }));
    clock.advance(3000);
    await r!.sink.settled();
    expect(fake.geoips.size).toBe(0);
    expect(fake.hosts.size).toBe(1);
  });
});

describe('an unreachable router', () => {
  it('sends no State and closes its streams; it comes back with the next good poll', async () => {
    const [r] = await launch(['home-gw']);
    const uuid = nodeOf('home-gw');
    await period([r!], clock);
    await period([r!], clock);
    expect(fake.states.get(uuid)).toHaveLength(1);
    r!.up = false;
    for (let i = 0; i < 5; i++) await period([r!], clock);
    expect(fake.states.get(uuid)).toHaveLength(1);
    await vi.waitFor(() => expect(fake.stateStreams()).toEqual([]));
    expect(r!.sink.connected).toBe(false);

    r!.up = true;
    await period([r!], clock); // reconnects
    await period([r!], clock);
    expect(fake.states.get(uuid)).toHaveLength(2);
  });

  it('sends no stale State when polls stop arriving', async () => {
    const [r] = await launch(['home-gw']);
    const uuid = nodeOf('home-gw');
    await period([r!], clock);
    r!.sink.offer(sampleOf(r!, clock));
    // No more samples: the last one may be re-sent for a short grace (2 polls + 1 State), then nothing.
    for (let i = 0; i < 8; i++) {
      clock.advance(3000);
      await r!.sink.settled();
    }
    expect(fake.states.get(uuid)!.length).toBeLessThanOrEqual(5);
    expect(r!.sink.connected).toBe(false);
  });
});

describe('a broken stream', () => {
  it('reconnects after about 10 s, with growing pauses while it keeps failing', async () => {
    const [r] = await launch(['home-gw']);
    const uuid = nodeOf('home-gw');
    await period([r!], clock);
    await period([r!], clock);
    fake.breakStreams();
    await vi.waitFor(() => expect(r!.sink.connected).toBe(false));
    const hostsBefore = fake.hosts.get(uuid)!.length;
    await period([r!], clock, 3000);
    await period([r!], clock, 3000);
    expect(fake.hosts.get(uuid)!.length).toBe(hostsBefore);
    await period([r!], clock, 3000); // 9 s after the break
    expect(fake.hosts.get(uuid)!.length).toBe(hostsBefore);
    await period([r!], clock, 3000); // 12 s after the break: past 10 s (jitter 0.5 → ×1.0)
    expect(fake.hosts.get(uuid)!.length).toBe(hostsBefore + 1);
    await period([r!], clock);
    expect(fake.stateStreams()).toEqual([uuid]);
    expect(at(WARN).filter((e) => e.msg.includes('reconnecting'))).toHaveLength(1);
  });
});

describe('an auth refusal', () => {
  it('stops every router to that dashboard, logs one error, and retries with a single router after minutes', async () => {
    const routers = await launch(['r1', 'r2', 'r3']);
    await period(routers, clock);
    await period(routers, clock);
    expect(fake.stateStreams()).toHaveLength(3);

    fake.refuseAll(true);
    await vi.waitFor(() => expect(routers.every((r) => !r.sink.connected)).toBe(true));
    const failuresAfterRefusal = fake.authFailures;
    expect(at(ERROR).filter((e) => e.msg.includes('refused the agent secret'))).toHaveLength(1);
    // Every router would reconnect at its own pace… but the gate holds them all for 5 min.
    for (let i = 0; i < 90; i++) await period(routers, clock, 3000); // 4.5 min
    expect(fake.authFailures).toBe(failuresAfterRefusal);
    expect(fake.calls.length).toBeGreaterThan(0);
    const callsDuringPause = fake.calls.length;

    // After the pause exactly one router probes; it is refused again, so the pause doubles.
    for (let i = 0; i < 20; i++) await period(routers, clock, 3000); // to 5.5 min
    expect(fake.authFailures).toBe(failuresAfterRefusal + 1);
    expect(fake.calls.length).toBe(callsDuringPause + 1);
    expect(at(ERROR)).toHaveLength(1);

    // The dashboard accepts again: after the 10 min pause one probe succeeds, then all reconnect.
    fake.refuseAll(false);
    for (let i = 0; i < 200; i++) await period(routers, clock, 3000); // to 15.5 min
    expect(fake.authFailures).toBe(failuresAfterRefusal + 1);
    expect(fake.stateStreams()).toHaveLength(3);
    expect(log.lines().some((e) => String(e.msg).includes('accepts the agent secret again'))).toBe(true);
  });

  it('a probe the dashboard accepts reopens the gate even when its router went down meanwhile', async () => {
    const routers = await launch(['r1', 'r2']);
    await period(routers, clock);
    await period(routers, clock);
    fake.refuseAll(true);
    await vi.waitFor(() => expect(routers.every((r) => !r.sink.connected)).toBe(true));
    fake.refuseAll(false);
    const hostCalls = () => fake.calls.filter((c) => c.method === 'ReportSystemInfo2').length;
    const before = hostCalls();
    // Past the 5 min pause one router probes; both stop answering while its Host call is in flight.
    for (let i = 0; i < 120 && hostCalls() === before; i++) {
      for (const r of routers) r.sink.offer(sampleOf(r, clock));
      clock.advance(3000);
      for (const r of routers) r.up = false;
      await Promise.all(routers.map((r) => r.sink.settled()));
      for (const r of routers) r.up = true;
    }
    expect(hostCalls()).toBe(before + 1);
    const prober = routers.find((r) => fake.calls.at(-1)?.uuid === nodeOf(r.name))!;
    const other = routers.find((r) => r !== prober)!;
    expect(prober.sink.connected).toBe(false);
    // The dashboard accepted the secret: the other router is not held behind the gate.
    prober.up = false;
    for (let i = 0; i < 3; i++) await period([other], clock);
    expect(fake.stateStreams()).toEqual([nodeOf(other.name)]);
  });
});

describe('tasks from the dashboard', () => {
  let tcp: TcpServer;
  let http: HttpServer;
  let tcpPort: number;
  let httpPort: number;

  beforeEach(async () => {
    tcp = createTcpServer((s) => s.destroy());
    http = createHttpServer((req, res) => {
      if (req.url !== '/slow-body') return void res.end('ok');
      // Headers at once, the body 40 ms later: the Nezha agent's delay includes the body.
      res.writeHead(200);
      res.flushHeaders();
      setTimeout(() => res.end('late'), 40);
    });
    tcpPort = await new Promise((resolve) => tcp.listen(0, '127.0.0.1', () => resolve((tcp.address() as { port: number }).port)));
    httpPort = await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)));
  });

  afterEach(async () => {
    await new Promise((resolve) => tcp.close(resolve));
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it('answers ICMP (from the router), TCP and HTTP with the task ids, refuses a command, ignores keepalives', async () => {
    const history = new PingHistory();
    const factory = makeFactory(fake.address, clock, log.logger, { history, lookup: async (h) => h });
    const [r] = await launch(['home-gw'], factory);
    const uuid = nodeOf('home-gw');
    await period([r!], clock);
    await vi.waitFor(() => expect(fake.taskStreams()).toEqual([uuid]));

    fake.pushTask(uuid, { id: 7, type: 7, data: '' });
    fake.pushTask(uuid, { id: 11, type: 2, data: '192.0.2.1' });
    fake.pushTask(uuid, { id: 12, type: 3, data: `127.0.0.1:${tcpPort}` });
    fake.pushTask(uuid, { id: 13, type: 1, data: `http://127.0.0.1:${httpPort}/` });
    fake.pushTask(uuid, { id: 14, type: 4, data: 'rm -rf /' });
    fake.pushTask(uuid, { id: 15, type: 13, data: '{}' });
    fake.pushTask(uuid, { id: 16, type: 3, data: '127.0.0.1:1' });
    await vi.waitFor(() => expect(fake.results.get(uuid)).toHaveLength(6));
    const byId = new Map(fake.results.get(uuid)!.map((x) => [x.id, x]));
    expect(byId.has(7)).toBe(false);
    expect(byId.get(11)).toMatchObject({ type: 2, successful: true, data: '' });
    expect(byId.get(11)!.delay).toBeCloseTo(13, 3);
    expect(r!.rest.requests).toContain('POST ping {"address":"192.0.2.1","count":"3","interval":"200ms"}');
    expect(byId.get(12)).toMatchObject({ type: 3, successful: true });
    expect(byId.get(12)!.delay).toBeGreaterThan(0);
    expect(byId.get(13)).toMatchObject({ type: 1, successful: true });
    expect(byId.get(14)).toMatchObject({ type: 4, successful: false, delay: 0 });
    expect(byId.get(14)!.data).toMatch(/refused.*never executes/);
    expect(byId.get(15)).toMatchObject({ type: 13, successful: false });
    expect(byId.get(16)).toMatchObject({ type: 3, successful: false, data: 'cannot connect to 127.0.0.1:1' });
    // The command was never run anywhere: the router saw only the ping.
    expect(r!.rest.requests.filter((q) => q.startsWith('POST'))).toHaveLength(1);
    expect(fake.calls.some((c) => c.method === 'IOStream')).toBe(false);
    // The ping results feed the v0 monitor history, by v0's rules: a point per run of two
    // results, ICMP and TCP only, failures counted at 0 ms (monitor 16's point is 0).
    expect(history.query('home-gw', clock.now())).toEqual([]);
    fake.pushTask(uuid, { id: 11, type: 2, data: '192.0.2.1' });
    fake.pushTask(uuid, { id: 12, type: 3, data: `127.0.0.1:${tcpPort}` });
    fake.pushTask(uuid, { id: 13, type: 1, data: `http://127.0.0.1:${httpPort}/` });
    fake.pushTask(uuid, { id: 16, type: 3, data: '127.0.0.1:1' });
    await vi.waitFor(() => expect(fake.results.get(uuid)).toHaveLength(10));
    const series = history.query('home-gw', clock.now());
    expect(series.map((s) => s.monitorId)).toEqual([11, 12, 16]);
    expect(series[0]?.avgDelay[0]).toBeCloseTo(13, 3);
    expect(series[2]?.avgDelay).toEqual([0]);
  });

  it('HTTP GET as the Nezha agent measures it: until the body has been read', async () => {
    const [r] = await launch(['home-gw']);
    const uuid = nodeOf('home-gw');
    await period([r!], clock);
    await vi.waitFor(() => expect(fake.taskStreams()).toEqual([uuid]));
    fake.pushTask(uuid, { id: 21, type: 1, data: `http://127.0.0.1:${httpPort}/slow-body` });
    await vi.waitFor(() => expect(fake.results.get(uuid)).toHaveLength(1));
    const result = fake.results.get(uuid)![0]!;
    expect(result).toMatchObject({ id: 21, type: 1, successful: true, data: '' });
    expect(result.delay).toBeGreaterThanOrEqual(40);
  });

  it('pings from this host instead when the router says ping.via: bridge', async () => {
    const pings: string[] = [];
    const factory = makeFactory(fake.address, clock, log.logger, {
      bridgeIcmp: {
        available: () => true,
        ping: async (address) => {
          pings.push(address);
          return 4.5;
        },
        close: () => {},
      },
      lookup: async (h) => h,
    });
    const r = addRouter(factory, 'home-gw', log.logger, { ping: { via: 'bridge', count: 3 } });
    await r.sink.start();
    started.push(r);
    const uuid = nodeOf('home-gw');
    await period([r], clock);
    await vi.waitFor(() => expect(fake.taskStreams()).toEqual([uuid]));
    fake.pushTask(uuid, { id: 21, type: 2, data: '198.51.100.9' });
    await vi.waitFor(() => expect(fake.results.get(uuid)).toHaveLength(1));
    expect(fake.results.get(uuid)?.[0]).toMatchObject({ id: 21, type: 2, successful: true, delay: 4.5 });
    expect(pings).toEqual(['198.51.100.9']);
    expect(r.rest.requests.some((q) => q.startsWith('POST ping'))).toBe(false);
  });
});
