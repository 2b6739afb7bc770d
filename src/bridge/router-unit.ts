/**
 * Everything that runs for one router: its REST client (one dispatcher), its poller, its
 * sinks, its ping scheduler and the loop that drives them. Built and torn down as one unit,
 * so a reload can replace one router without touching the others.
 */
import type { LimitFunction } from 'p-limit';
import { ConnectionCounter } from '../collect/connections.js';
import { restClientFor } from './router-client.js';
import type { Config, RouterConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { observedKomariClient } from './observed-komari.js';
import type { BridgeObserver } from '../telemetry.js';
import type { RouterRest } from '../routeros/rest.js';
import type { TlsContexts } from '../routeros/tls-contexts.js';
import { RouterPoller } from './router-poller.js';
import { RouterRunner } from './router-runner.js';
import type { Clock } from '../time/timers.js';
import type { KomariClient } from '../integrations/komari/client.js';
import { KomariSink } from '../integrations/komari/sink.js';
import type { NezhaSinkFactory } from '../integrations/nezha/factory.js';
import type { RouterSink } from '../integrations/sink.js';
import type { RouterStateCache } from './state-cache.js';

export interface SharedDeps {
  logger: Logger;
  clock: Clock;
  random: () => number;
  version: string;
  /** The fleet-wide limit on router requests in flight (`concurrency`). */
  limit: LimitFunction;
  /** TLS secure contexts shared by all router connections. */
  tlsContexts: TlsContexts;
  komari: { client: KomariClient; config: NonNullable<Config['komari']> } | undefined;
  /** Builds each router's Nezha sink; undefined when no `nezha:` dashboard is configured. */
  nezha: NezhaSinkFactory | undefined;
  states: RouterStateCache;
  observer: BridgeObserver;
  /** Extra per-router parts (ping tasks), started after the runner and stopped before it. */
  extras: RouterExtra[];
}

/** A feature attached to a router unit, e.g. Komari ping tasks. */
export interface RouterExtra {
  attach(unit: RouterUnitParts): { stop(): Promise<void> } | undefined;
  /** Releases what the feature shares between routers (called when the fleet's shared parts are rebuilt or closed). */
  close(): Promise<void>;
}

export interface RouterUnitParts {
  router: RouterConfig;
  rest: RouterRest;
  runner: RouterRunner;
  komariSink: KomariSink | undefined;
  komariClient: KomariClient | undefined;
  logger: Logger;
}

export interface RouterUnit {
  readonly config: RouterConfig;
  readonly runner: RouterRunner;
  readonly rest: RouterRest;
  stop(): Promise<void>;
}

export async function startRouterUnit(router: RouterConfig, shared: SharedDeps): Promise<RouterUnit> {
  const logger = shared.logger.child({ router: router.name });
  const rest = restClientFor(router, shared.limit, shared.tlsContexts);
  const saved = await shared.states.load(router.name);
  // One view of the fleet's Komari client for this router (outcomes reported to the observer).
  const komariClient = shared.komari ? observedKomariClient(shared.komari.client, router.name, shared.observer) : undefined;
  const komariSink = komariClient ? buildKomariSink(router, shared, komariClient, logger) : undefined;
  // The runner is built after its sinks; the Nezha sink asks it late whether the router is up.
  let isUp = () => false;
  const nezhaSink = shared.nezha?.sinkFor(router, { rest, logger, isRouterUp: () => isUp() });
  const sinks = ([komariSink, nezhaSink] as (RouterSink | undefined)[]).filter((s): s is RouterSink => s !== undefined);
  const poller = new RouterPoller({
    router,
    rest,
    logger,
    now: () => shared.clock.now(),
    connections: new ConnectionCounter({
      reprobeMs: router.intervals.basicInfo,
      // Said once per change: the fallback is a lasting property of the router, not an error per cycle.
      onModeChange: (mode, cause) => {
        if (mode === 'tracking-total') {
          logger.warn(
            { code: cause?.code, detail: cause?.detail },
            'the router cannot count connections per protocol (count-only with .query); sending the connection-tracking total as tcp and 0 as udp, re-checking at the basic-info cadence',
          );
        } else logger.info('the router counts connections per protocol again');
      },
    }),
    initialTraffic: saved.traffic,
    onTraffic: (state) => shared.states.setTraffic(router.name, state),
  });
  const runner = new RouterRunner({
    name: router.name,
    intervalMs: router.intervals.report,
    poller,
    sinks,
    logger,
    clock: shared.clock,
    random: shared.random,
    observer: shared.observer,
  });
  isUp = () => runner.isUp();
  await runner.start();
  const parts: RouterUnitParts = { router, rest, runner, komariSink, komariClient, logger };
  const attached = shared.extras.map((e) => e.attach(parts)).filter((a) => a !== undefined);
  return {
    config: router,
    runner,
    rest,
    async stop() {
      await Promise.all(attached.map((a) => a.stop()));
      await runner.stop();
      await rest.close();
    },
  };
}

function buildKomariSink(router: RouterConfig, shared: SharedDeps, client: KomariClient, logger: Logger): KomariSink | undefined {
  const komari = shared.komari;
  if (!komari) return undefined;
  if (router.komari.token === undefined && komari.config.autoDiscoveryKey === undefined) return undefined;
  return new KomariSink({
    router: router.name,
    client,
    token: router.komari.token,
    discoveryKey: komari.config.autoDiscoveryKey,
    tokens: {
      load: async (name) => (await shared.states.load(name)).komari,
      save: (name, creds) => shared.states.saveKomari(name, creds),
    },
    basicInfoIntervalMs: router.intervals.basicInfo,
    version: shared.version,
    logger: logger.child({ sink: 'komari' }),
    now: () => shared.clock.now(),
  });
}
