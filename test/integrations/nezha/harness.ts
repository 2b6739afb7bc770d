/** Shared parts of the Nezha sink tests: a factory against the fake dashboard, a stub router, samples. */
import { afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterConfig } from '../../../src/config/schema.js';
import type { Logger } from '../../../src/log.js';
import type { RouterSample } from '../../../src/model.js';
import type { RestOptions, RouterRest } from '../../../src/routeros/rest.js';
import { parseHealth } from '../../../src/collect/health.js';
import type { Integration, RouterStateAccess } from '../../../src/integrations/contract.js';
import type { PingHistory } from '../../../src/integrations/nezha/history.js';
import { createNezha } from '../../../src/integrations/nezha/index.js';
import type { NezhaSink } from '../../../src/integrations/nezha/sink.js';
import { installationNodeUuid } from '../../../src/integrations/nezha/uuid.js';
import type { BridgeIcmp } from '../../../src/probes/bridge-icmp.js';
import { createHttpProber } from '../../../src/probes/http-probe.js';
import type { Lookup } from '../../../src/probes/resolve.js';
import type { RouterState } from '../../../src/state/schema.js';
import { nullTelemetry } from '../../../src/telemetry.js';
import type { ManualClock } from '../../support/manual-clock.js';
import { routerSample } from '../komari/samples.js';

export const SECRET = 'nezha-agent-secret-for-tests-0123';

/** The installation id of the tests' state directory (written before any sink starts). */
export const INSTALLATION_ID = '5c3e1d2a-7b44-4e0f-9a61-0f2d3c4b5a69';
/** One state directory shared by every factory of a test run: a restart keeps the installation. */
export const STATE_DIR = mkdtempSync(join(tmpdir(), 'tikprobe-nezha-'));
writeFileSync(join(STATE_DIR, 'installation-id'), `${INSTALLATION_ID}\n`);
// Registered in the test file that imports this harness.
afterAll(() => rmSync(STATE_DIR, { recursive: true, force: true }));

/** The node UUID a router without a device identity gets in this installation. */
export function nodeOf(name: string): string {
  return installationNodeUuid(INSTALLATION_ID, undefined, name);
}

/** A router as the config loader hands it over, with only what the Nezha sink reads. */
export function routerConfig(name: string, over: Partial<RouterConfig> = {}): RouterConfig {
  return {
    name,
    url: 'https://127.0.0.1',
    username: 'monitor',
    password: 'router-password',
    tls: { verify: true, fingerprint: undefined, caPem: undefined },
    timeout: 4000,
    intervals: { report: 5000, basicInfo: 600_000, connections: 30_000, pingTasks: 60_000 },
    traffic: { interfaces: 'auto', resetDay: undefined },
    publicIp: 'auto',
    ping: { via: 'router', count: 3 },
    komari: { token: undefined },
    nezha: undefined,
    tag: undefined,
    ...over,
  } as RouterConfig;
}

/** A RouterRest stub: `/system/health` and `/ping` answers set per test; counts requests. */
export class StubRest implements RouterRest {
  health: unknown = [
    { '.id': '*D', name: 'cpu-temperature', type: 'C', value: '47' },
    { '.id': '*E', name: 'fan1-speed', type: 'RPM', value: '3000' },
  ];
  pingReply: unknown = [
    { host: '192.0.2.1', sent: '1', received: '1', 'packet-loss': '0', time: '12ms', 'avg-rtt': '12ms', seq: '0' },
    { host: '192.0.2.1', sent: '2', received: '2', 'packet-loss': '0', time: '14ms', 'avg-rtt': '13ms', seq: '1' },
  ];
  readonly requests: string[] = [];
  async get(path: string, _options?: RestOptions): Promise<unknown> {
    this.requests.push(`GET ${path}`);
    if (path === 'system/health') return this.health;
    throw new Error(`unexpected GET ${path}`);
  }
  async post(path: string, body: Record<string, unknown>, _options?: RestOptions): Promise<unknown> {
    this.requests.push(`POST ${path} ${JSON.stringify(body)}`);
    if (path === 'ping') return this.pingReply;
    throw new Error(`unexpected POST ${path}`);
  }
  stats() {
    return { requests: this.requests.length, bytes: 0 };
  }
  async close() {}
}

export interface TestRouter {
  name: string;
  sink: NezhaSink;
  rest: StubRest;
  up: boolean;
  uptimeS: number;
}

export interface HarnessOptions {
  /** Receives every task result, as the v0 API's history does through telemetry. */
  history?: PingHistory;
  /** Receives every link event as "router event" (the metrics registry's view of the link). */
  events?: string[];
  lookup?: Lookup;
  bridgeIcmp?: BridgeIcmp;
  /** Another installation's state directory. */
  stateDir?: string;
}

const unusedIcmp: BridgeIcmp = {
  available: () => false,
  ping: async () => {
    throw new Error('bridge ICMP is not used in this test');
  },
  close: () => undefined,
};

/** The Nezha integration against the fake dashboard, as the composition root builds it. */
export function makeFactory(server: string, clock: ManualClock, logger: Logger, over: HarnessOptions = {}): Integration {
  const history = over.history;
  const integration = createNezha(
    { nezha: { server, tls: false, insecureTls: false, secret: SECRET, reportInterval: 3000 }, status: undefined, stateDir: over.stateDir ?? STATE_DIR } as Parameters<typeof createNezha>[0],
    {
      logger,
      clock,
      random: () => 0.5,
      version: '0.1.0',
      probes: { icmp: over.bridgeIcmp ?? unusedIcmp, http: createHttpProber() },
      telemetry: {
        ...nullTelemetry,
        monitorResult: (router, m, at, delay) => history?.record(router, m, at, delay),
        integrationEvent: (router, integration, event) => over.events?.push(`${router} ${integration} ${event}`),
      },
      fleet: { view: () => [], tagOf: () => undefined },
    },
    { lookup: over.lookup },
  );
  if (integration === undefined) throw new Error('no integration');
  return integration;
}

/** A router's state kept in memory, as the state cache would keep it. */
export function memoryState(): RouterStateAccess {
  let state: RouterState = { version: 1 };
  return {
    get: () => state,
    update: (patch) => {
      state = { ...state, ...patch };
    },
    saveNow: async (patch) => {
      state = { ...state, ...patch };
    },
  };
}

export function addRouter(integration: Integration, name: string, logger: Logger, over: Partial<RouterConfig> = {}, state = memoryState()): TestRouter {
  const rest = new StubRest();
  const r = { name, rest, up: true, uptimeS: 86_400 } as TestRouter;
  const part = integration.attach({ router: routerConfig(name, over), rest, logger, isUp: () => r.up, state });
  if (!part) throw new Error('no sink');
  r.sink = part as NezhaSink;
  return r;
}

/** A sample of router `r` taken now, its uptime following the clock. */
export function sampleOf(r: TestRouter, clock: ManualClock, over: Partial<RouterSample> = {}): RouterSample {
  const base = routerSample({ router: r.name, takenAt: clock.now(), health: parseHealth(r.rest.health) ?? [] });
  return { ...base, resource: { ...base.resource, uptimeS: r.uptimeS }, ...over };
}

/**
 * One State period for every router: each gets a fresh sample (when up), the clock moves by
 * `ms` (firing the State timers), and the test waits until every sink's cycle has finished.
 */
export async function period(routers: TestRouter[], clock: ManualClock, ms = 3000): Promise<void> {
  for (const r of routers) if (r.up) r.sink.offer(sampleOf(r, clock));
  clock.advance(ms);
  for (const r of routers) r.uptimeS += ms / 1000;
  await Promise.all(routers.map((r) => r.sink.settled()));
}
