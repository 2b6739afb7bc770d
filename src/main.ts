/**
 * The composition root: the only module that knows every concrete class. It builds the
 * logger-bound shared parts (fleet-wide request limit, Komari client, state store and
 * flusher, ping-task feature) and hands them to the Bridge. Nothing below it reaches for a
 * global: every dependency arrives as an argument.
 */
import { startupWarnings } from './config/startup-warnings.js';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import pLimit from 'p-limit';
import { Bridge, type SharedFactory } from './bridge/bridge.js';
import { type BridgeObserver, nullObserver } from './bridge/observer.js';
import type { RouterExtra } from './bridge/router-unit.js';
import { RouterStateCache } from './bridge/state-cache.js';
import type { Config } from './config/schema.js';
import { errorMessage, TikprobeError } from './errors.js';
import type { Logger } from './log.js';
import { type BridgeIcmp, createBridgeIcmp } from './probes/bridge-icmp.js';
import { createHttpProber, type HttpProber } from './probes/http-probe.js';
import { TlsContexts } from './routeros/tls-contexts.js';
import { type Clock, systemClock } from './scheduler/timers.js';
import { createKomariClient } from './sinks/komari/client.js';
import { createNezhaSinkFactory } from './sinks/nezha/factory.js';
import type { PingHistory } from './sinks/nezha/history.js';
import { createStateFlusher, createStateStore } from './state/store.js';

export interface AppDeps {
  logger: Logger;
  version: string;
  clock?: Clock;
  random?: () => number;
  /** How often dirty traffic state is written to disk (default 60 s; shutdown always flushes). */
  stateFlushMs?: number;
  /** Receives poll, sink and ping events (the status server's metrics); default: none. */
  observer?: BridgeObserver;
  /** Keeps Nezha ping-task history for the v0 API (shared with the status server). */
  nezhaHistory?: PingHistory;
  /** Extra per-router features (ping tasks), built by the caller for this config. */
  extras?: (config: Config, logger: Logger, probes: SharedProbes) => RouterExtra[];
}

/** Probes every feature shares: one raw ICMP socket and one HTTP prober for the whole process. */
export interface SharedProbes {
  icmp: BridgeIcmp;
  http: HttpProber;
}

export interface RunningBridge {
  bridge: Bridge;
  startedAt: number;
  stop(): Promise<void>;
}

export async function startBridge(config: Config, deps: AppDeps): Promise<RunningBridge> {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const logger = deps.logger;
  for (const w of startupWarnings(config)) logger.warn(w.router === undefined ? {} : { router: w.router }, w.message);
  await ensureWritableDir(config.stateDir);
  const store = createStateStore(config.stateDir, { logger });
  const flusher = createStateFlusher({ store, intervalMs: deps.stateFlushMs ?? 60_000, now: () => clock.now(), timers: clock, logger });
  const states = new RouterStateCache(store, flusher);
  const tlsContexts = new TlsContexts();
  // Both open nothing until a task needs them (the raw socket on the first bridge-side ICMP).
  const probes: SharedProbes = { icmp: createBridgeIcmp(logger.child({ component: 'icmp' })), http: createHttpProber() };

  const factory: SharedFactory = {
    build(cfg) {
      const client = cfg.komari ? createKomariClient({ baseUrl: cfg.komari.url, timeoutMs: cfg.komari.timeout, logger: logger.child({ component: 'komari' }) }) : undefined;
      const extras = deps.extras?.(cfg, logger, probes) ?? [];
      const nezha = cfg.nezha
        ? createNezhaSinkFactory(cfg, {
            logger,
            clock,
            random,
            version: deps.version,
            history: deps.nezhaHistory,
            bootTimes: { load: (r) => states.nezhaBootTime(r), save: (r, s) => states.setNezhaBootTime(r, s) },
            bridgeIcmp: probes.icmp,
            http: probes.http,
          })
        : undefined;
      return {
        logger,
        clock,
        random,
        version: deps.version,
        limit: pLimit(cfg.concurrency),
        tlsContexts,
        komari: client && cfg.komari ? { client, config: cfg.komari } : undefined,
        nezha,
        states,
        observer: deps.observer ?? nullObserver,
        extras,
        close: async () => {
          await Promise.all(extras.map((e) => e.close()));
          await Promise.all([client?.close(), nezha?.close()]);
        },
      };
    },
  };
  const bridge = new Bridge(config, factory, logger, () => flusher.flush());
  const startedAt = clock.now();
  await bridge.start();
  return {
    bridge,
    startedAt,
    async stop() {
      await bridge.stop();
      flusher.stop?.();
      probes.icmp.close();
      await probes.http.close();
    },
  };
}

/** Fails start-up at once (not a minute later at the first flush) when state cannot be kept. */
async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new TikprobeError('STATE_IO', `state.dir ${dir} is not writable (${errorMessage(err)}); totals and registrations are kept there`);
  }
}
