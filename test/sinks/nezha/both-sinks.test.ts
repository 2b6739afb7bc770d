/**
 * One router, both dashboards, one poll: the configuration (loaded by the real loader, with
 * komari: and nezha:) drives the production poller and runner, whose one sample per cycle
 * goes to the Komari sink and the Nezha sink. The RouterOS fake counts requests per path:
 * each cycle reads /system/resource once, not once per sink.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { restClientFor } from '../../../src/bridge/router-client.js';
import { nullObserver } from '../../../src/bridge/observer.js';
import { ConnectionCounter } from '../../../src/collect/connections.js';
import { loadConfigText } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/schema.js';
import { RouterPoller } from '../../../src/scheduler/router-poller.js';
import { RouterRunner } from '../../../src/scheduler/router-runner.js';
import { createKomariClient, type KomariClient } from '../../../src/sinks/komari/client.js';
import { KomariSink } from '../../../src/sinks/komari/sink.js';
import { createNezhaSinkFactory, type NezhaSinkFactory } from '../../../src/sinks/nezha/factory.js';
import type { NezhaSink } from '../../../src/sinks/nezha/sink.js';
import { nodeUuid } from '../../../src/sinks/nezha/uuid.js';
import { createKomariFake, type KomariFake } from '../../fakes/komari.js';
import { type NezhaFake, startNezhaFake } from '../../fakes/nezha.js';
import { createRouterFake, type RouterFake } from '../../fakes/routeros.js';
import { type MswServer, serveMsw } from '../../fakes/serve-msw.js';
import { ManualClock } from '../../support/manual-clock.js';
import { type CapturedLog, captureLog } from '../komari/log-capture.js';

const PASSWORD = 's3cret-pass';
const TOKEN = 'TokA1b2C3d4E5f6G7h8I9j0';
const SECRET = 'nezha-agent-secret-both-sinks';

let router: RouterFake;
let routerServer: MswServer;
let komari: KomariFake;
let komariServer: MswServer;
let nezha: NezhaFake;
let clock: ManualClock;
let log: CapturedLog;
let config: Config;
let komariClient: KomariClient;
let factory: NezhaSinkFactory;
let runner: RouterRunner;
let polls = 0;
let nezhaSink: NezhaSink;

beforeEach(async () => {
  router = createRouterFake({ state: { identity: 'home-gw', users: { tikprobe: { password: PASSWORD, policies: ['read', 'api', 'rest-api', 'test'] } } } });
  routerServer = await serveMsw(router.handlers);
  komari = createKomariFake({ tokens: { [TOKEN]: 'home-gw' } });
  komariServer = await serveMsw(komari.handlers);
  nezha = await startNezhaFake({ secret: SECRET });
  clock = new ManualClock();
  log = captureLog();
  const yaml = `version: 1
komari:
  url: ${komariServer.url}
nezha:
  server: ${nezha.address}
  tls: false
  secret: \${NEZHA_AGENT_SECRET}
  reportInterval: 3s
state:
  dir: ${mkdtempSync(join(tmpdir(), 'tikprobe-both-'))}
routers:
  - name: home-gw
    url: ${routerServer.url}
    username: tikprobe
    password: ${PASSWORD}
    tag: home
    intervals: { report: 3s }
    timeout: 2s
    komari: { token: ${TOKEN} }
`;
  config = await loadConfigText(yaml, 'both.yaml', { NEZHA_AGENT_SECRET: SECRET });
  const r = config.routers[0]!;
  const rest = restClientFor(r, pLimit(8));
  komariClient = createKomariClient({ baseUrl: komariServer.url, timeoutMs: 5000 });
  factory = createNezhaSinkFactory(config, { logger: log.logger, clock, random: () => 0.5, version: '0.1.0' });
  let isUp = () => false;
  nezhaSink = factory.sinkFor(r, { rest, logger: log.logger, isRouterUp: () => isUp() })!;
  const komariSink = new KomariSink({
    router: r.name,
    client: komariClient,
    token: r.komari.token,
    discoveryKey: undefined,
    tokens: { load: async () => undefined, save: async () => {} },
    basicInfoIntervalMs: r.intervals.basicInfo,
    version: '0.1.0',
    logger: log.logger,
    now: () => clock.now(),
  });
  const poller = new RouterPoller({
    router: r,
    rest,
    logger: log.logger,
    now: () => clock.now(),
    connections: new ConnectionCounter({ reprobeMs: r.intervals.basicInfo }),
    initialTraffic: undefined,
    onTraffic: () => {},
  });
  polls = 0;
  runner = new RouterRunner({
    name: r.name,
    intervalMs: r.intervals.report,
    poller,
    sinks: [komariSink, nezhaSink],
    logger: log.logger,
    clock,
    random: () => 0,
    observer: { ...nullObserver, pollFinished: () => void polls++ },
  });
  isUp = () => runner.isUp();
  await runner.start();
});

afterEach(async () => {
  await runner.stop();
  await factory.close();
  await komariClient.close();
  await Promise.all([routerServer.close(), komariServer.close(), nezha.close()]);
  expect(log.lines.join('')).not.toContain(SECRET);
});

describe('Komari and Nezha from one poll', () => {
  it('polls the router once per cycle and feeds both dashboards', async () => {
    const uuid = nodeUuid('home-gw', undefined);
    // Polls and State periods both every 3 s; each advance runs one of each.
    for (let cycle = 1; cycle <= 8; cycle++) {
      clock.advance(3000);
      await vi.waitFor(() => expect(polls).toBe(cycle), { timeout: 5000, interval: 5 });
      await vi.waitFor(() => expect(komari.received.reports.length).toBe(cycle), { timeout: 5000, interval: 5 });
      await nezhaSink.settled();
      // The poll loop's and the State cadence's next timers are set: the next advance fires both.
      await clock.idle(2);
    }
    const cycles = polls;
    expect(router.count('GET', 'system/resource')).toBe(cycles);
    expect(komari.received.reports).toHaveLength(cycles);
    await vi.waitFor(() => expect(nezha.states.get(uuid)?.length ?? 0).toBeGreaterThanOrEqual(5));
    expect(nezha.hosts.get(uuid)?.[0]?.value.platform).toBe('RouterOS');
    expect(nezha.states.get(uuid)?.at(-1)?.value.mem_used).toBeGreaterThan(0);
    // Nezha reads nothing more of the router than its temperatures, once a minute at most.
    expect(router.count('GET', 'system/health')).toBeLessThanOrEqual(1);
  });
});
