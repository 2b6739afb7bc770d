/**
 * `workers: N`: the fleet sharded over N worker threads of this process. The main thread
 * keeps what must be one per process: the state store (one document in state.dir, written
 * on the workers' behalf), the metrics registry (fed by the workers' relayed telemetry), the
 * status server's read APIs, the systemd notifier, and signals. Each worker runs the
 * bridge on the routers whose name hashes to it (assign.ts), so a reload moves no router
 * between workers.
 */
import { availableParallelism } from 'node:os';
import type { Config } from '../config/schema.js';
import { shareEqualBlocks } from '../config/shared-parts.js';
import { errorMessage } from '../errors.js';
import { buildIntegrations, closeIntegrations, closeProbes } from '../integrations/build.js';
import type { Integration, IntegrationDeps, IntegrationFactory } from '../integrations/contract.js';
import type { Logger } from '../log.js';
import { createBridgeIcmp } from '../probes/bridge-icmp.js';
import { createHttpProber } from '../probes/http-probe.js';
import type { FleetHealth, FleetView } from '../router-view.js';
import { createStateStore } from '../state/store.js';
import { ensureWritableDir } from '../state/writable.js';
import type { StatusRoute, StatusSection } from '../status-section.js';
import { fanOut, nullTelemetry, type Telemetry } from '../telemetry.js';
import { systemClock } from '../time/timers.js';
import { shardConfigs, workerCount } from './assign.js';
import { WorkerFleet } from './fleet-view.js';
import type { WorkerInit } from './protocol.js';
import { type ThreadHooks, WorkerThread } from './thread.js';

/** What the daemon runs: the bridge of main.ts, or the worker threads. */
export interface RunningFleet {
  bridge: FleetHealth & FleetView;
  startedAt: number;
  /** The status-server endpoints of the current integrations (they change with a reload). */
  routes(): StatusRoute[];
  /** The status server's blocks beyond the routers (load; the cluster in cluster mode; the workers). */
  sections(): StatusSection[];
  /** Writes every router's state now. */
  flushState(): Promise<void>;
  /** Applies a new configuration (in cluster mode: to the routers this replica owns). */
  reload(next: Config): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkersDeps {
  /** How many threads: workersWanted(config, …), derived once by the caller. */
  count: number;
  logger: Logger;
  version: string;
  telemetry?: Telemetry;
  /** The integrations; the main thread builds them without dashboards, for the read APIs they serve. */
  integrations: readonly IntegrationFactory[];
  /** The worker script; default dist/worker-thread.js beside this file's folder. */
  entry?: URL;
  /** Between two health snapshots of each worker (default 1 s). */
  snapshotMs?: number;
  /** Between two copies of each worker's router views (default 5 s: one report cycle). */
  viewsMs?: number;
  stateFlushMs?: number;
  /** The CPU count a reload's `workers: auto` is compared at (default availableParallelism()). */
  cores?: number;
}

/** The worker count a configuration asks for on this machine (1: no worker threads). */
export function workersWanted(config: Config, logger: Logger, cores = availableParallelism()): number {
  const count = workerCount(config.workers, cores);
  if (count > 1 && config.cluster) {
    logger.warn({ workers: config.workers }, 'workers is not used in cluster mode: run more replicas instead; polling on one thread');
    return 1;
  }
  return count;
}

export async function startWorkers(config: Config, deps: WorkersDeps): Promise<RunningFleet> {
  const { logger, count } = deps;
  shareEqualBlocks(config.routers); // kept here and in each thread's share (restarts): equal blocks once
  await ensureWritableDir(config.stateDir);
  const store = createStateStore(config.stateDir, { logger });
  const apis = new ReadApis(deps.integrations);
  const telemetry = fanOut(deps.telemetry ?? nullTelemetry, () => apis.listeners());
  const hooks: ThreadHooks = {
    entry: deps.entry ?? new URL('../worker-thread.js', import.meta.url),
    store,
    telemetry,
    logger,
    restart: { baseMs: 1_000, capMs: 30_000, jitter: 0.2 },
    stableMs: 60_000,
    random: Math.random,
  };
  const init = (share: Config, index: number): WorkerInit => ({
    config: share,
    index,
    count,
    version: deps.version,
    pretty: process.stdout.isTTY === true,
    snapshotMs: deps.snapshotMs ?? 1_000,
    viewsMs: deps.viewsMs ?? 5_000,
    stateFlushMs: deps.stateFlushMs,
  });
  const threads = shardConfigs(config, count).map((share, i) => new WorkerThread(i, init(share, i), hooks));
  const fleet = new WorkerFleet(threads, config);
  const probes = { icmp: createBridgeIcmp(logger.child({ component: 'icmp' })), http: createHttpProber() };
  const apiDeps: IntegrationDeps = { logger, clock: systemClock, random: Math.random, version: deps.version, probes, telemetry, fleet };
  await apis.apply(config, apiDeps);
  const startedAt = Date.now();
  await Promise.all(threads.map((t) => t.start()));
  logger.info({ workers: count, routers: threads.map((t) => t.routers) }, 'bridge started on worker threads');
  return {
    bridge: { view: () => fleet.view(), tagOf: (name) => fleet.tagOf(name), healthy: (now) => fleet.healthy(now) },
    startedAt,
    routes: () => apis.routes(),
    sections: () => [fleet.section(), ...fleet.relayedSections()],
    flushState: async () => void (await Promise.all(threads.map((t) => t.flush()))),
    async reload(next) {
      if (workerCount(next.workers, deps.cores ?? availableParallelism()) !== count) {
        logger.warn({ workers: count }, 'workers changed: takes effect at the next restart; keeping the current threads');
      }
      logger.level = next.logLevel;
      shareEqualBlocks(next.routers);
      fleet.configure(next);
      await apis.apply(next, apiDeps);
      const shares = shardConfigs(next, count);
      const results = await Promise.allSettled(threads.map((t) => t.reload(shares[t.index]!)));
      for (const r of results) if (r.status === 'rejected') logger.error({ err: errorMessage(r.reason) }, 'a worker thread could not apply the new configuration');
    },
    async stop() {
      await Promise.all(threads.map((t) => t.stop()));
      await apis.close(logger);
      await closeProbes(probes);
    },
  };
}

/**
 * The integrations built without their dashboards: what is left are the read APIs they serve
 * on the status server (the Nezha v0 API and its ping history). Rebuilt only when the status
 * settings change: a rebuild starts the history afresh.
 */
class ReadApis {
  private apis: Integration[] = [];
  private key: string | undefined;

  constructor(private readonly factories: readonly IntegrationFactory[]) {}

  async apply(config: Config, deps: IntegrationDeps): Promise<void> {
    const key = JSON.stringify(config.status ?? null);
    if (key === this.key) return;
    const old = this.apis;
    this.apis = buildIntegrations(this.factories, { ...config, komari: undefined, nezha: undefined }, deps);
    this.key = key;
    await closeIntegrations(old, deps.logger);
  }

  routes = () => this.apis.flatMap((i) => i.routes?.() ?? []);
  listeners = () => this.apis.map((i) => i.listen ?? {});
  close = (logger: Logger) => closeIntegrations(this.apis, logger);
}
