/**
 * What router-side pings cost the metrics poll of the same router. The fake router
 * serialises one user's requests as RouterOS does and spends count × interval (3 × 200 ms)
 * of real time per /ping. Polls run back to back while the scheduler pings, so every ping the
 * router works on is seen by some poll. The assertions count the pings the router served
 * between two polls (what a poll waited behind, on its connection or at the router); the latencies are printed as a measurement, never
 * asserted (timing belongs to benchmarks). Runs for about 5 s of real time.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BridgeIcmp } from '../../src/probes/bridge-icmp.js';
import { PingScheduler } from '../../src/integrations/komari/ping-scheduler.js';
import type { PingTaskSource } from '../../src/integrations/komari/task-source.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { type FakeRouter, startFakeRouter } from './support/fake-router.js';
import { captureLogger } from './support/log-capture.js';
import { task } from './support/scheduler-harness.js';
import { systemClock } from '../../src/time/timers.js';

const PING_MS = 3 * 200;

interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

function stats(latencies: number[]): Stats {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] as number);
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: Math.round(s.at(-1) as number) };
}

async function pollFor(rest: RouterRest, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t = performance.now();
    await rest.get('system/resource');
    latencies.push(performance.now() - t);
  }
  return latencies;
}

describe('router-side ping vs the metrics poll of the same router (measured)', () => {
  let router: FakeRouter;
  let rest: RouterRest;
  const report: Record<string, Stats> = {};

  beforeAll(async () => {
    router = await startFakeRouter({ realDuration: true, resourceMs: 2 });
    rest = router.client();
  });

  afterAll(async () => {
    console.info(`poll latency, ms (ping = ${PING_MS} ms of router time): ${JSON.stringify(report)}`);
    await rest.close();
    await router.close();
  });

  async function withScheduler(routerLimit: number, run: () => Promise<number[]>): Promise<number[]> {
    const source: PingTaskSource = {
      // Three router-side tasks every 2 s: the router is busy pinging most of the time.
      fetchTasks: async () => [task(1, 'icmp', '192.0.2.1', 2), task(2, 'icmp', '192.0.2.2', 2), task(3, 'icmp', '192.0.2.3', 2)],
      sendResult: vi.fn(async () => {}),
    };
    const bridgeIcmp: BridgeIcmp = { available: () => false, ping: async () => undefined, close: () => {} };
    const s = new PingScheduler({
      router: 'gw1',
      source,
      rest,
      via: 'router',
      count: 3,
      pingTasksIntervalMs: 60_000,
      isRouterUp: () => true,
      logger: captureLogger().logger,
      bridgeIcmp,
      clock: systemClock,
      random: () => 0,
      limits: { router: routerLimit },
    });
    s.start();
    try {
      return await run();
    } finally {
      await s.stop();
    }
  }

  it('without pings, no poll waits behind one', async () => {
    report.alone = stats(await pollFor(rest, 300));
    expect(report.alone.n).toBeGreaterThan(0);
    expect(router.maxPingsBetweenPolls()).toBe(0);
  });

  it('with one ping in flight at most, a poll waits behind at most one ping', async () => {
    const pingsBefore = router.pings.length;
    report.onePingInFlight = stats(await withScheduler(1, () => pollFor(rest, 2200)));
    expect(router.pings.length - pingsBefore).toBeGreaterThanOrEqual(3);
    expect(router.maxConcurrentPings()).toBe(1);
    // The cost is real (some poll waited behind a ping) and bounded by one ping.
    expect(router.maxPingsBetweenPolls()).toBe(1);
  });

  it('for comparison, without the bound a poll waits behind every ping queued before it', async () => {
    report.unbounded = stats(await withScheduler(3, () => pollFor(rest, 2200)));
    // Three tasks fall due together: a poll queued after them waits behind more than one.
    expect(router.maxPingsBetweenPolls()).toBeGreaterThanOrEqual(2);
  });
});
