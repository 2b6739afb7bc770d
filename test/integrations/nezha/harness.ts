/** Shared parts of the Nezha sink tests: a factory against the fake dashboard, a stub router, samples. */
import type { RouterConfig } from '../../../src/config/schema.js';
import type { Logger } from '../../../src/log.js';
import type { RouterSample } from '../../../src/model.js';
import type { RestOptions, RouterRest } from '../../../src/routeros/rest.js';
import { createNezhaSinkFactory, type NezhaFactoryDeps, type NezhaSinkFactory } from '../../../src/integrations/nezha/factory.js';
import type { NezhaSink } from '../../../src/integrations/nezha/sink.js';
import type { ManualClock } from '../../support/manual-clock.js';
import { routerSample } from '../komari/samples.js';

export const SECRET = 'nezha-agent-secret-for-tests-0123';

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

export function makeFactory(server: string, clock: ManualClock, logger: Logger, over: Partial<NezhaFactoryDeps> = {}): NezhaSinkFactory {
  return createNezhaSinkFactory(
    { nezha: { server, tls: false, insecureTls: false, secret: SECRET, reportInterval: 3000 } },
    { logger, clock, random: () => 0.5, version: '0.1.0', ...over },
  );
}

export function addRouter(factory: NezhaSinkFactory, name: string, logger: Logger, over: Partial<RouterConfig> = {}): TestRouter {
  const rest = new StubRest();
  const r = { name, rest, up: true, uptimeS: 86_400 } as TestRouter;
  const sink = factory.sinkFor(routerConfig(name, over), { rest, logger, isRouterUp: () => r.up });
  if (!sink) throw new Error('no sink');
  r.sink = sink;
  return r;
}

/** A sample of router `r` taken now, its uptime following the clock. */
export function sampleOf(r: TestRouter, clock: ManualClock, over: Partial<RouterSample> = {}): RouterSample {
  const base = routerSample({ router: r.name, takenAt: clock.now() });
  return { ...base, resource: { ...base.resource, uptimeS: r.uptimeS }, ...over };
}

const signal = new AbortController().signal;

/**
 * One State period for every router: each gets a fresh sample (when up), the clock moves by
 * `ms` (firing the State timers), and the test waits until every sink's cycle has finished.
 */
export async function period(routers: TestRouter[], clock: ManualClock, ms = 3000): Promise<void> {
  for (const r of routers) if (r.up) await r.sink.push(sampleOf(r, clock), signal);
  clock.advance(ms);
  for (const r of routers) r.uptimeS += ms / 1000;
  await Promise.all(routers.map((r) => r.sink.settled()));
}
