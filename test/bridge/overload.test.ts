/**
 * A fleet the bridge cannot keep up with, on the manual clock: 12 routers that each take 1.5 s
 * (test time) to answer a request, sharing 2 request slots, at a 30 s report interval — about
 * three times what the slots can serve. Then the routers speed up, then they stop answering.
 *
 * The test steps the clock by 1.5 s and, between steps, lets the real loopback traffic run
 * until every request that holds a slot is parked inside a router, waiting for the clock.
 * (The 30 s scale leaves the requests' real-time 29 s timeout far out of reach of a slow
 * test machine.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunningBridge } from '../../src/main.js';
import { createFleet, type Fleet } from './fleet.js';

const ROUTERS = 12;
const STEP_MS = 1500;
const INTERVALS = '{ report: 30s, basicInfo: 10m, connections: 60s }';
// The poll alone: one request per router at a time, so "every request in a slot is parked" is exact.
const NO_EXTENDED = '  collectors: { health: { enabled: false }, updates: { enabled: false } }\n';

interface LoadStatus {
  overloaded: boolean;
  starting: boolean;
  lateShare: number;
  needed: { cpu: number | null; requests: number | null };
  limitedBy: string | null;
  capacityRouters: number | null;
  requests: { active: number; waiting: number; slots: number };
}

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

/** How long a router takes to answer, in test time: 0 = at once, Infinity = never. */
let answerMs = 1500;
let parked: (() => void)[] = [];

function answerAfter(clock: Fleet['clock']) {
  return () => {
    if (answerMs === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      parked.push(resolve);
      if (answerMs !== Number.POSITIVE_INFINITY) {
        clock.setTimeout(() => {
          parked = parked.filter((p) => p !== resolve);
          resolve();
        }, answerMs);
      }
    });
  };
}

const loadOf = (running: RunningBridge) => running.sections().find((s) => s.name === 'load')!.status() as LoadStatus;

/** Lets the real traffic run until every request in a slot is parked in a router and Komari has what it was sent. */
async function settle(f: Fleet, running: RunningBridge): Promise<void> {
  await vi.waitFor(
    () => {
      const { active } = loadOf(running).requests;
      if (active !== parked.length) {
        const got = f.routers.map((r) => [...r.fake.counts.values()].reduce((a, b) => a + b, 0));
        throw new Error(`${active} request(s) in a slot, ${parked.length} parked; the routers got ${JSON.stringify(got)}`);
      }
    },
    { timeout: 10_000, interval: 1 },
  );
  await f.delivered();
}

/** The fleet of this file (12 routers, 2 request slots, 30 s interval) whose routers answer after `ms` of test time, started. */
async function startFleet(ms: number): Promise<{ f: Fleet; running: RunningBridge; run: (ms: number, each?: () => void) => Promise<void> }> {
  answerMs = ms;
  parked = [];
  fleet = await createFleet({ routers: ROUTERS, concurrency: 2, timeout: '29s', intervals: INTERVALS, defaults: NO_EXTENDED, answerAfter: (clock) => answerAfter(clock), cpuBusyMs: () => 0 });
  const f = fleet;
  const running = await f.start();
  /** Steps the clock by STEP_MS for `ms`, settling the traffic (and calling `each`) after each step. */
  const run = async (ms: number, each?: () => void) => {
    for (let t = 0; t < ms; t += STEP_MS) {
      f.clock.advance(STEP_MS);
      await settle(f, running);
      each?.();
    }
  };
  return { f, running, run };
}

describe('a fleet that keeps up', () => {
  it('ends its start once every router has polled, well before the minute that bounds it, and is not overloaded', async () => {
    const { f, running, run } = await startFleet(0);
    expect(loadOf(running)).toMatchObject({ starting: true, overloaded: false });
    // First polls fall within the first 30 s interval; the next 5 s sample after them ends the start.
    await run(45_000);
    expect(f.routers.every((r) => r.fake.count('GET', 'system/resource') >= 1)).toBe(true);
    expect(loadOf(running)).toMatchObject({ starting: false, overloaded: false });
  }, 30_000);
});

describe('an overloaded fleet', () => {
  it('stays bounded and fair, says so, recovers, and stays healthy exactly while polls finish', async () => {
    const { f, running, run } = await startFleet(1500);
    const healthy = () => running.bridge.healthy(f.clock.now(), running.startedAt);
    const polls = () => f.routers.map((r) => r.fake.count('GET', 'system/resource'));

    // Overloaded for ten minutes: memory bounded, every router polled, always healthy.
    let maxWaiting = 0;
    let maxTimers = 0;
    await run(600_000, () => {
      const { requests } = loadOf(running);
      maxWaiting = Math.max(maxWaiting, requests.waiting);
      maxTimers = Math.max(maxTimers, f.clock.pending());
      expect(requests.active).toBeLessThanOrEqual(2);
      expect(healthy()).toBe(true);
    });
    // At most one request per router waits: no queue grows with lateness.
    expect(maxWaiting).toBeLessThanOrEqual(ROUTERS);
    // Per router: its loop, its Komari task-list refresh, a parked answer; plus the state flusher.
    expect(maxTimers).toBeLessThanOrEqual(3 * ROUTERS + 1);
    const during = polls();
    expect(Math.min(...during)).toBeGreaterThan(0);
    // Lateness is shared: no router got fewer than half the polls of the best served one.
    expect(Math.min(...during)).toBeGreaterThanOrEqual(Math.max(...during) / 2);
    const over = loadOf(running);
    expect(over.overloaded).toBe(true);
    expect(over.lateShare).toBeGreaterThan(0.5);
    expect(over.limitedBy).toBe('requests');
    expect(over.needed.requests).toBeGreaterThan(1.5);
    // The fleet needs ~3× the slots: it carries about a third of its routers (with 20 % headroom).
    expect(over.capacityRouters).toBeGreaterThanOrEqual(2);
    expect(over.capacityRouters).toBeLessThan(ROUTERS / 2);
    const started = f.log.lines().filter((l) => /bridge overloaded/.test(String(l.msg)));
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ level: 40, routers: ROUTERS });
    expect(String(started[0]!.msg)).toMatch(/carries about \d+ routers \(12 configured\).*raise concurrency/);
    // The routers themselves are fine: none was marked down by the bridge's own lateness.
    expect(running.bridge.view().map((v) => v.state)).toEqual(Array(ROUTERS).fill('up'));

    // The routers speed up: the signal goes, said once.
    answerMs = 0;
    await run(240_000, () => expect(healthy()).toBe(true));
    const calm = loadOf(running);
    expect(calm.overloaded).toBe(false);
    expect(calm.lateShare).toBeLessThanOrEqual(0.01);
    expect(f.log.lines().filter((l) => /no longer overloaded/.test(String(l.msg)))).toHaveLength(1);
    expect(f.log.lines().filter((l) => /bridge overloaded/.test(String(l.msg)))).toHaveLength(1);
    const before = polls();
    await run(60_000);
    expect(polls().every((n, i) => n >= before[i]! + 2)).toBe(true);

    // The routers stop answering and no poll finishes: not healthy once 3 intervals pass.
    answerMs = Number.POSITIVE_INFINITY;
    await run(30_000);
    expect(healthy()).toBe(true);
    await run(100_000); // every loop is now inside a tick with no request settled for > 3 × 30 s
    expect(healthy()).toBe(false);
    // They answer again: polls finish, healthy again.
    answerMs = 0;
    for (const p of parked.splice(0)) p();
    await run(30_000);
    expect(healthy()).toBe(true);
  }, 60_000);
});
