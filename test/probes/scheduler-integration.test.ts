/**
 * The scheduler with its real probes (real timers): router-side ping through a REST client
 * to the strict RouterOS fake on loopback; TCP, HTTP and ICMP from this host to loopback.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBridgeIcmp, netPingSessionFactory } from '../../src/probes/bridge-icmp.js';
import { PingScheduler } from '../../src/integrations/komari/ping-scheduler.js';
import type { PingResult, PingTaskSource } from '../../src/integrations/komari/task-source.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { type FakeRouter, startFakeRouter } from './support/fake-router.js';
import { captureLogger } from './support/log-capture.js';
import { task } from './support/scheduler-harness.js';
import { systemClock } from '../../src/time/timers.js';

function canRawPing(): boolean {
  try {
    netPingSessionFactory()(4).close();
    return true;
  } catch {
    return false;
  }
}
const rawPing = canRawPing();
if (!rawPing) console.warn('scheduler-integration.test: raw ICMP sockets not permitted here; the bridge ICMP part is SKIPPED');

function listSource(tasks: unknown[]) {
  const sent: PingResult[] = [];
  const source: PingTaskSource = {
    fetchTasks: async () => tasks as never,
    sendResult: vi.fn(async (r: PingResult) => {
      sent.push(r);
    }),
  };
  return { source, sent };
}

describe('PingScheduler with real probes', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function routerWith(options: Parameters<typeof startFakeRouter>[0]): Promise<{ router: FakeRouter; rest: RouterRest }> {
    const router = await startFakeRouter(options);
    const rest = router.client();
    cleanups.push(() => router.close(), () => rest.close());
    return { router, rest };
  }

  function scheduler(tasks: unknown[], rest: RouterRest, via: 'router' | 'bridge' = 'router') {
    const log = captureLogger();
    const { source, sent } = listSource(tasks);
    const bridgeIcmp = createBridgeIcmp(log.logger);
    const s = new PingScheduler({
      router: 'gw1',
      source,
      rest,
      via,
      count: 3,
      pingTasksIntervalMs: 60_000,
      isRouterUp: () => true,
      logger: log.logger,
      bridgeIcmp,
      clock: systemClock,
      random: () => 0,
      lookup: async (host) => {
        throw new Error(`no DNS in tests (${host})`);
      },
    });
    cleanups.push(async () => {
      await s.stop();
      bridgeIcmp.close();
    });
    return { s, sent, log, source };
  }

  it('posts router-side results: 1 ms for a sub-ms reply, the mean RTT, -1 for all lost', async () => {
    const { router, rest } = await routerWith({ hosts: { '192.0.2.1': [453, 380, 520], '192.0.2.2': [1000, 1468, 1234], '192.0.2.3': [null, null, null] } });
    const { s, sent } = scheduler([task(1, 'icmp', '192.0.2.1', 60), task(2, 'icmp', '192.0.2.2:7', 60), task(3, 'icmp', '[192.0.2.3]', 60)], rest);
    s.start();
    await expect.poll(() => sent.length).toBe(3);
    expect(Object.fromEntries(sent.map((r) => [r.task_id, r.value]))).toEqual({ 1: 1, 2: 1, 3: -1 });
    expect(router.pings.map((p) => p.address).sort()).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(router.pings.every((p) => p.count === '3' && p.interval === '200ms')).toBe(true);
    expect(router.maxConcurrentPings()).toBe(1);
  });

  it('missing test policy: one error log, one /ping request, no results at all', async () => {
    const { router, rest } = await routerWith({ testPolicy: false });
    const { s, sent, log, source } = scheduler([task(1, 'icmp', '192.0.2.1', 60), task(2, 'icmp', '192.0.2.2', 60), task(3, 'icmp', '192.0.2.3', 60)], rest);
    s.start();
    await expect.poll(() => log.at('error').length).toBe(1);
    await s.stop();
    expect(router.pings).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(source.sendResult).not.toHaveBeenCalled();
    expect(log.at('error')[0]?.msg).toMatch(/router gw1: its RouterOS user lacks the "test" policy/);
    expect(JSON.stringify(log.lines)).not.toContain(router.password);
  });

  it('runs TCP and HTTP probes from this host against loopback servers', async () => {
    const { rest } = await routerWith({});
    const tcp: TcpServer = createTcpServer((sock) => sock.on('error', () => {}));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const web: HttpServer = createHttpServer((req, res) => res.writeHead(req.url === '/down' ? 503 : 200).end());
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    cleanups.push(
      () => new Promise<void>((r) => tcp.close(() => r())),
      () => {
        web.closeAllConnections();
        return new Promise<void>((r) => web.close(() => r()));
      },
    );
    const tcpPort = (tcp.address() as AddressInfo).port;
    const webPort = (web.address() as AddressInfo).port;
    const { s, sent } = scheduler(
      [
        task(1, 'tcp', `127.0.0.1:${tcpPort}`, 60),
        task(2, 'http', `127.0.0.1:${webPort}/up`, 60),
        task(3, 'http', `http://127.0.0.1:${webPort}/down`, 60),
        task(4, 'tcp', 'no-such-host.test:80', 60),
      ],
      rest,
    );
    s.start();
    await expect.poll(() => sent.length).toBe(4);
    const values = Object.fromEntries(sent.map((r) => [r.task_id, r.value]));
    expect(values[1]).toBeGreaterThanOrEqual(1);
    expect(values[2]).toBeGreaterThanOrEqual(1);
    expect(values[3]).toBe(-1);
    expect(values[4]).toBe(-1);
    expect(sent.every((r) => Number.isInteger(r.value))).toBe(true);
  });

  it.skipIf(!rawPing)('runs bridge ICMP to 127.0.0.1 through net-ping', async () => {
    const { rest, router } = await routerWith({});
    const { s, sent, log } = scheduler([task(1, 'icmp', '127.0.0.1', 60), task(2, 'icmp', '[127.0.0.2]:0', 60)], rest, 'bridge');
    s.start();
    await expect.poll(() => sent.length).toBe(2);
    expect(sent.map((r) => r.value).every((v) => v >= 1)).toBe(true);
    expect(router.pings).toEqual([]);
    expect(log.at('error')).toEqual([]);
  });
});
