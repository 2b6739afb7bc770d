/**
 * One router, both dashboards, one poll, through the real composition root: the config
 * (with komari: and nezha:) loaded by the real loader, `startBridge` building both sinks. The
 * RouterOS fake counts requests per path: each cycle reads /system/resource once, not once
 * per sink.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/schema.js';
import { type RunningBridge, startBridge } from '../../../src/main.js';
import { createKomariFake, type KomariFake } from '../../fakes/komari.js';
import { type NezhaFake, startNezhaFake } from '../../fakes/nezha.js';
import { createRouterFake, type RouterFake } from '../../fakes/routeros.js';
import { type MswServer, serveMsw } from '../../fakes/serve-msw.js';
import { type CountedStore, countedStore } from '../../support/counted-store.js';
import { bufferLogger } from '../../support/log-buffer.js';
import { ManualClock } from '../../support/manual-clock.js';

const PASSWORD = 's3cret-pass';
const TOKEN = 'TokA1b2C3d4E5f6G7h8I9j0';
const SECRET = 'nezha-agent-secret-both-sinks';

let router: RouterFake;
let routerServer: MswServer;
let komari: KomariFake;
let komariServer: MswServer;
let nezha: NezhaFake;
let running: RunningBridge;
let log: ReturnType<typeof bufferLogger>;
let config: Config;
const clock = new ManualClock();

let stateDir = '';
let counted: CountedStore;

beforeEach(async () => {
  router = createRouterFake({ state: { identity: 'home-gw' } });
  routerServer = await serveMsw(router.handlers);
  komari = createKomariFake({ tokens: { [TOKEN]: 'home-gw' } });
  komariServer = await serveMsw(komari.handlers);
  nezha = await startNezhaFake({ secret: SECRET });
  log = bufferLogger();
  stateDir = mkdtempSync(join(tmpdir(), 'tikprobe-both-'));
  const yaml = `version: 1
komari:
  url: ${komariServer.url}
nezha:
  server: ${nezha.address}
  tls: false
  secret: \${NEZHA_AGENT_SECRET}
  reportInterval: 3s
state:
  dir: ${stateDir}
routers:
  - name: home-gw
    url: ${routerServer.url}
    username: tikprobe
    password: ${PASSWORD}
    intervals: { report: 3s }
    timeout: 2s
    komari: { token: ${TOKEN} }
`;
  config = await loadConfigText(yaml, 'both.yaml', { NEZHA_AGENT_SECRET: SECRET });
  counted = countedStore(stateDir, log.logger);
  running = await startBridge(config, { logger: log.logger, version: '0.1.0', clock, random: () => 0, stateFlushMs: 3_600_000, store: counted.store });
});

afterEach(async () => {
  await running.stop();
  await Promise.all([routerServer.close(), komariServer.close(), nezha.close()]);
  rmSync(stateDir, { recursive: true, force: true });
  expect(log.text()).not.toContain(SECRET);
  expect(log.text()).not.toContain(TOKEN);
});

/** The one node on the dashboard (its UUID is this installation's; see node-identity.ts). */
const node = () => [...nezha.hosts.keys()][0] ?? '';

describe('Komari and Nezha from one poll', () => {
  it('polls the router once per cycle and feeds both dashboards', async () => {
    let cycle = 0;
    // Each advance runs one poll; the Nezha State cadence (its own 3 s timer) connects on its
    // first tick and sends from the second on. Run until both dashboards have several updates.
    while (cycle < 6 || (nezha.states.get(node())?.length ?? 0) < 3) {
      expect(cycle).toBeLessThan(15);
      // No state write in flight: the flush timer may be one of the three (support/counted-store.ts).
      await counted.settled();
      clock.advance(cycle === 0 ? 0 : 3000);
      cycle += 1;
      await vi.waitFor(() => expect(komari.received.reports.length).toBe(cycle), { timeout: 5000, interval: 5 });
      await clock.idle(3); // one more than before: the Komari task-list refresh holds a timer at all times
      await new Promise((resolve) => setImmediate(resolve));
    }
    // One poll per cycle feeds both sinks: /system/resource was read once per Komari report.
    expect(router.count('GET', 'system/resource')).toBe(komari.received.reports.length);
    expect(nezha.hosts.get(node())?.[0]?.value.platform).toBe('RouterOS');
    expect(nezha.states.get(node())?.at(-1)?.value.mem_used).toBeGreaterThan(0);
    // Nezha reads nothing more of the router than its temperatures, once a minute at most.
    expect(router.count('GET', 'system/health')).toBeLessThanOrEqual(1);
  });

  it('keeps the boot time it told Nezha across a restart of tikprobe (a moved boot time reads as a reboot)', async () => {
    const hostsSeen = () => nezha.hosts.get(node())?.length ?? 0;
    const runUntilHost = async (count: number) => {
      for (let cycle = 0; hostsSeen() < count; cycle++) {
        expect(cycle).toBeLessThan(10);
        await counted.settled();
        clock.advance(3000);
        await clock.idle(3); // one more than before: the Komari task-list refresh holds a timer at all times
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    clock.advance(0);
    await runUntilHost(1);
    const first = nezha.hosts.get(node())![0]!.value.boot_time;
    await running.stop();
    // tikprobe restarts 7 s later; the router's uptime reads the same (it did not move in the
    // fake), so a fresh estimate would put the boot 7+ s later.
    clock.advance(7000);
    counted = countedStore(stateDir, log.logger);
    running = await startBridge(config, { logger: log.logger, version: '0.1.0', clock, random: () => 0, stateFlushMs: 3_600_000, store: counted.store });
    clock.advance(0);
    await runUntilHost(2);
    expect(nezha.hosts.get(node())!.at(-1)!.value.boot_time).toBe(first);
    // The same node after the restart: its UUID was kept in the router's state.
    expect([...nezha.hosts.keys()]).toHaveLength(1);
  });
});
