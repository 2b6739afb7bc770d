/**
 * A fleet under test: RouterOS fakes and a strict Komari fake on real loopback ports, a config
 * written as YAML and loaded by the real loader, and the bridge started by the real
 * composition root on a manual clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { IntegrationFactory } from '../../src/integrations/contract.js';
import type { KomariReport } from '../../src/integrations/komari/payload.js';
import { type RunningBridge, startBridge } from '../../src/main.js';
import { createKomariFake, type KomariFake } from '../fakes/komari.js';
import { createRouterFake, type RouterFake, type RouterFakeState } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';
import { type CountedStore, countedStore } from '../support/counted-store.js';
import { bufferLogger } from '../support/log-buffer.js';
import { ManualClock } from '../support/manual-clock.js';

export const PASSWORD = 's3cret-pass';
export const TOKENS = ['TokA1b2C3d4E5f6G7h8I9j0', 'TokB1b2C3d4E5f6G7h8I9j0', 'TokC1b2C3d4E5f6G7h8I9j0'];

export interface FleetRouter {
  name: string;
  fake: RouterFake;
  server: MswServer;
  token: string;
}

export interface Fleet {
  routers: FleetRouter[];
  komari: KomariFake;
  komariServer: MswServer;
  stateDir: string;
  clock: ManualClock;
  log: ReturnType<typeof bufferLogger>;
  config: Config;
  yaml: string;
  running: RunningBridge | undefined;
  start(): Promise<RunningBridge>;
  /** Resolves once no integration of any router has a send in flight or waiting. */
  delivered(): Promise<void>;
  /**
   * Advances the clock by `ms` once no state write is in flight: a timer count that includes
   * the flush timer stays exact (support/counted-store.ts). Tests advance the fleet's clock
   * through this, never `clock.advance` directly, when they count timers afterwards.
   */
  advance(ms: number): Promise<void>;
  /** advance(ms), then waits until `timers` timers are scheduled again, then (by default) for delivery. */
  step(ms: number, timers: number, delivered?: boolean): Promise<void>;
  /** Reports Komari accepted for one router, in order. */
  reports(name: string): KomariReport[];
  close(): Promise<void>;
}

export async function createFleet(options: {
  routers: number;
  state?: (i: number) => Partial<RouterFakeState>;
  extraYaml?: string;
  timeout?: string;
  /** `concurrency` (default 8). */
  concurrency?: number;
  /** `defaults.intervals` as YAML flow (default `{ report: 5s, basicInfo: 10m, connections: 30s }`). */
  intervals?: string;
  /** More keys of the `defaults:` block, as YAML lines indented by two spaces. */
  defaults?: string;
  /** Awaited before each request of router `i` is answered (see RouterFakeOptions.answerAfter). */
  answerAfter?: (clock: ManualClock, i: number) => () => Promise<void>;
  /** The load estimate's event-loop busy time (default: the real one). */
  cpuBusyMs?: () => number;
  /** The integration list handed to the composition root (default: its own INTEGRATIONS). */
  integrations?: (clock: ManualClock) => readonly IntegrationFactory[];
  /** The bridge's random source (default 0: every first poll at once). */
  random?: () => number;
}): Promise<Fleet> {
  const clock = new ManualClock();
  const routers: FleetRouter[] = [];
  for (let i = 0; i < options.routers; i++) {
    const fake = createRouterFake({ state: { identity: `r${i}`, ...options.state?.(i) }, answerAfter: options.answerAfter?.(clock, i) });
    routers.push({ name: `r${i}`, fake, server: await serveMsw(fake.handlers), token: TOKENS[i]! });
  }
  const komari = createKomariFake({ tokens: Object.fromEntries(routers.map((r) => [r.token, r.name])) });
  const komariServer = await serveMsw(komari.handlers);
  const stateDir = mkdtempSync(join(tmpdir(), 'tikprobe-fleet-'));
  const yaml = fleetYaml(routers, komariServer.url, stateDir, options.timeout ?? '1s', options.extraYaml ?? '', options.concurrency ?? 8, options.intervals, options.defaults);
  const config = await loadConfigText(yaml, 'fleet.yaml', { ROUTER_PASSWORD: PASSWORD });
  const log = bufferLogger();
  let counted: CountedStore | undefined;
  const fleet: Fleet = {
    routers,
    komari,
    komariServer,
    stateDir,
    clock,
    log,
    config,
    yaml,
    running: undefined,
    async start() {
      // The state dir's store, its writes counted for step(); in cluster mode the cluster's own.
      counted = fleet.config.cluster ? undefined : countedStore(stateDir, log.logger);
      fleet.running = await startBridge(fleet.config, {
        logger: log.logger,
        version: '0.0.0-test',
        clock,
        random: options.random ?? (() => 0),
        stateFlushMs: 3_600_000,
        store: counted?.store,
        integrations: options.integrations?.(clock),
        cpuBusyMs: options.cpuBusyMs,
      });
      return fleet.running;
    },
    async advance(ms) {
      await counted?.settled();
      clock.advance(ms);
    },
    async step(ms, timers, delivered = true) {
      await fleet.advance(ms);
      await clock.idle(timers);
      if (delivered) await fleet.delivered();
    },
    async delivered() {
      const busy = () => fleet.running?.bridge.view().some((v) => v.parts.some((p) => p.sending)) ?? false;
      for (let i = 0; busy(); i++) {
        if (i > 2000) throw new Error('a dashboard hand-off did not settle');
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    reports(name) {
      const token = routers.find((r) => r.name === name)!.token;
      return komari.received.reports.filter((r) => r.token === token).map((r) => r.body as KomariReport);
    },
    async close() {
      await fleet.running?.stop();
      for (const r of routers) r.fake.releaseHangs();
      komari.releaseHung();
      await Promise.all([...routers.map((r) => r.server.close()), komariServer.close()]);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return fleet;
}

export function fleetYaml(
  routers: FleetRouter[],
  komariUrl: string,
  stateDir: string,
  timeout: string,
  extra: string,
  concurrency = 8,
  intervals = '{ report: 5s, basicInfo: 10m, connections: 30s }',
  defaults = '',
): string {
  return `version: 1
komari:
  url: ${komariUrl}
  timeout: 2s
state:
  dir: ${stateDir}
concurrency: ${concurrency}
defaults:
  username: tikprobe
  password: \${ROUTER_PASSWORD}
  timeout: ${timeout}
  intervals: ${intervals}
${defaults}${extra}
routers:
${routers.map((r) => `  - name: ${r.name}\n    url: ${r.server.url}\n    komari: { token: ${r.token} }`).join('\n')}
`;
}
