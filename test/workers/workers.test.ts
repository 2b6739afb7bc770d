/**
 * `workers: 2` for real: two worker threads (the built dist/worker-thread.js) polling six
 * strict RouterOS fakes every second and reporting to the strict Komari fake, the state
 * store, metrics and views in this thread. Needs `npm run build` first (npm test does it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { KomariReport } from '../../src/integrations/komari/payload.js';
import { INTEGRATIONS } from '../../src/main.js';
import { createStateStore } from '../../src/state/store.js';
import { createMetricsRegistry } from '../../src/status/metrics.js';
import { workerOf } from '../../src/workers/assign.js';
import { type RunningFleet, startWorkers } from '../../src/workers/start.js';
import { fleetYaml, type FleetRouter, PASSWORD } from '../bridge/fleet.js';
import { createKomariFake, type KomariFake } from '../fakes/komari.js';
import { createRouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';
import { bufferLogger } from '../support/log-buffer.js';
import { sleep, until } from './helpers.js';

const ENTRY = resolve(import.meta.dirname, '../../dist/worker-thread.js');
const TOKEN = (i: number) => `Tok${i}b2C3d4E5f6G7h8I9j0xx`;

let routers: FleetRouter[];
let komari: KomariFake;
let komariServer: MswServer;
let dir: string;
let running: RunningFleet | undefined;
const log = bufferLogger();
const metrics = createMetricsRegistry();

async function config(list: FleetRouter[], extra = ''): Promise<Config> {
  const yaml = fleetYaml(list, komariServer.url, dir, '800ms', `workers: 2\nlog: { level: error }\nstatus: { listen: '127.0.0.1:9' }\n${extra}`).replace('report: 5s', 'report: 1s');
  return loadConfigText(yaml, join(dir, 'fleet.yaml'), { ROUTER_PASSWORD: PASSWORD });
}
const polls = (r: FleetRouter) => r.fake.count('GET', 'system/resource');
const identities = (r: FleetRouter) => r.fake.count('GET', 'system/identity');
const reports = (r: FleetRouter) => komari.received.reports.filter((x) => x.token === r.token).map((x) => x.body as KomariReport);

beforeAll(async () => {
  if (!existsSync(ENTRY)) throw new Error('dist/worker-thread.js is missing: run `npm run build` first (npm test does)');
  routers = [];
  for (let i = 0; i < 7; i++) {
    const fake = createRouterFake({ state: { identity: `r${i}` } });
    routers.push({ name: `r${i}`, fake, server: await serveMsw(fake.handlers), token: TOKEN(i) });
  }
  komari = createKomariFake({ tokens: Object.fromEntries(routers.map((r) => [r.token, r.name])) });
  komariServer = await serveMsw(komari.handlers);
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-workers-'));
});

afterAll(async () => {
  await running?.stop();
  await Promise.all([...routers.map((r) => r.server.close()), komariServer.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('workers: 2', () => {
  it('polls every router exactly once per cycle, shows all of them, moves only changed routers on reload, keeps totals', async () => {
    const first = routers.slice(0, 6);
    // Both workers get routers with these names.
    expect(new Set(first.map((r) => workerOf(r.name, 2))).size).toBe(2);
    running = await startWorkers(await config(first), { logger: log.logger, version: '0.0.0-test', telemetry: metrics, integrations: INTEGRATIONS, entry: pathToFileURL(ENTRY), snapshotMs: 100, viewsMs: 100, count: 2 });
    // A report follows a whole poll: the counters' baseline is read, so the traffic added next is counted
    // (`system/resource` is the first request of a poll, the interface counters come later in it).
    await until('every router polled and reported', () => first.every((r) => polls(r) >= 1 && reports(r).length >= 1));
    for (const r of first) r.fake.state.interfaces.find((i) => i.name === 'ether1')!.rxBytes += 1_000_000n;

    // Exactly once per 1 s cycle: 3 s give 3 polls (±1 at the window's edges), never a second poller.
    const before = first.map(polls);
    await sleep(3_000);
    first.forEach((r, i) => {
      expect(polls(r) - before[i]!).toBeGreaterThanOrEqual(2);
      expect(polls(r) - before[i]!).toBeLessThanOrEqual(4);
    });
    await until('all routers up in the joined view', () => running!.bridge.view().filter((v) => v.state === 'up').length === 6);
    expect(running.bridge.view().map((v) => v.name)).toEqual(first.map((r) => r.name));
    // With a status server the views are whole (the last sample, each integration's delivery).
    expect(running.bridge.view().every((v) => v.lastSample !== undefined && v.parts.length > 0)).toBe(true);
    expect(running.bridge.healthy(Date.now(), running.startedAt)).toBe(true);
    // Each worker's own load section reaches the main thread, its part labelled with the worker.
    const load = running.sections().find((s) => s.name === 'load')!;
    expect((load.status() as { workers: { worker: number; overloaded: boolean }[] }).workers.map((w) => [w.worker, w.overloaded])).toEqual([
      [0, false],
      [1, false],
    ]);
    const extra = running.sections().flatMap((s) => s.metrics?.() ?? []);
    const scrape = [...metrics.exposition({ views: running.bridge.view(), healthy: true, version: 't', startedAt: running.startedAt, extra })].join('');
    for (const w of ['0', '1']) expect(scrape).toContain(`tikprobe_overloaded{worker="${w}"} 0`);
    expect(scrape).toContain('tikprobe_worker_routers{worker="0"}');
    for (const r of first) expect(scrape).toContain(`tikprobe_poll_duration_seconds_count{router="${r.name}"}`);
    expect(scrape.match(/^# TYPE tikprobe_poll_duration_seconds /gm)).toHaveLength(1);

    // Reload: r5 removed, r6 added, r0 changed (its tag); r1–r4 untouched keep their loops.
    const ids = routers.map(identities);
    const totalsBefore = reports(routers[1]!).at(-1)!.network.totalDown;
    expect(totalsBefore).toBeGreaterThan(0);
    const next = [...routers.slice(0, 5), routers[6]!];
    const changed = (await config(next)).routers.map((r) => (r.name === 'r0' ? { ...r, tag: 'moved' } : r));
    const apiBefore = running.routes()[0];
    expect(apiBefore).toBeDefined();
    await running.reload({ ...(await config(next)), routers: changed });
    // Only routers changed: the read API (and the ping history behind it) is the same one.
    expect(running.routes()[0]).toBe(apiBefore);
    const r5polls = polls(routers[5]!);
    await until('r6 polled', () => polls(routers[6]!) >= 2);
    await sleep(1_100);
    expect(identities(routers[0]!)).toBeGreaterThan(ids[0]!);
    for (const i of [1, 2, 3, 4]) expect(identities(routers[i]!)).toBe(ids[i]);
    expect(polls(routers[5]!)).toBe(r5polls);
    await until('view after reload', () => running!.bridge.view().map((v) => v.name).join() === 'r0,r1,r2,r3,r4,r6');
    expect(running.bridge.tagOf('r0')).toBe('moved');
    const after = reports(routers[1]!).map((x) => x.network.totalDown);
    expect(after.at(-1)).toBeGreaterThanOrEqual(totalsBefore);
    for (let i = 1; i < after.length; i++) expect(after[i]).toBeGreaterThanOrEqual(after[i - 1]!);

    // Stop: every worker saves through the main thread's store into one document.
    const lastReported = reports(routers[2]!).at(-1)!.network.totalDown;
    await running.stop();
    running = undefined;
    const store = createStateStore(dir);
    expect(await store.routers()).toEqual(expect.arrayContaining(['r0', 'r1', 'r2', 'r3', 'r4', 'r6']));
    expect(Number((await store.load('r2'))!.traffic!.totalDownBytes)).toBeGreaterThanOrEqual(lastReported);
  }, 15_000);
});
