/**
 * The Komari integration: one HTTP client for the fleet's Komari server, and per router a
 * KomariPart (sink + ping tasks). A router takes part when it has a token or the server has
 * an auto-discovery key.
 */
import { budgetShare } from '../../config/schema-workers.js';
import { TikprobeError } from '../../errors.js';
import type { Integration, IntegrationDeps, IntegrationFactory, RouterContext } from '../contract.js';
import { createKomariClient, type KomariClient } from './client.js';
import { observedKomariClient } from './observed-client.js';
import { KomariPart } from './part.js';
import { PingScheduler } from './ping-scheduler.js';
import { KomariSink } from './sink.js';
import { DEFAULT_CONNECTIONS, DEFAULT_TASK_CONNECTIONS } from './transport.js';
import type { KomariPingTask, PingResult, PingTaskSource } from './task-source.js';
import { lazyChild } from '../../lazy-logger.js';
import { nowOf } from '../../time/timers.js';

/** The longest wait before a router's first task-list fetch. */
const FIRST_FETCH_SPREAD_MAX_MS = 10_000;

export const createKomari: IntegrationFactory = (config, deps) => {
  const komari = config.komari;
  if (komari === undefined) return undefined;
  // The process's connection budget, split over its worker threads (each has its own client).
  const share = (total: number) => budgetShare(total, deps.workers ?? 1);
  const client = createKomariClient({
    baseUrl: komari.url,
    timeoutMs: komari.timeout,
    connections: share(DEFAULT_CONNECTIONS),
    taskConnections: share(DEFAULT_TASK_CONNECTIONS),
    logger: deps.logger.child({ component: 'komari' }),
  });
  const integration: Integration = {
    name: 'komari',
    attach(ctx: RouterContext) {
      const { router } = ctx;
      if (router.komari.token === undefined && komari.autoDiscoveryKey === undefined) return undefined;
      const observed = observedKomariClient(client, router.name, deps.telemetry);
      const sink = new KomariSink({
        router: router.name,
        client: observed,
        token: router.komari.token,
        discoveryKey: komari.autoDiscoveryKey,
        tokens: {
          load: async () => ctx.state.get().komari,
          save: (_name, creds) => ctx.state.saveNow({ komari: creds }),
        },
        basicInfoIntervalMs: router.intervals.basicInfo,
        version: deps.version,
        logger: lazyChild(ctx.logger, { sink: 'komari' }),
        lines: deps.lines,
        now: nowOf(deps.clock),
      });
      const pings = new PingScheduler({
        router: router.name,
        source: komariTaskSource(observed, () => sink.token(), (r) => deps.telemetry.pingResult(router.name, r.ping_type, r.value)),
        rest: ctx.rest,
        via: router.ping.via,
        count: router.ping.count,
        pingTasksIntervalMs: router.intervals.pingTasks,
        // 5 000 schedulers fetching at start in lock-step held every report up (bench/README.md);
        // spread over at most 10 s, so a new router's pings still start within seconds.
        firstFetchSpreadMs: Math.min(router.intervals.pingTasks, FIRST_FETCH_SPREAD_MAX_MS),
        isRouterUp: () => ctx.isUp(),
        random: deps.random,
        logger: lazyChild(ctx.logger, { component: 'ping' }),
        bridgeIcmp: deps.probes.icmp,
        http: deps.probes.http,
        clock: deps.clock,
        lines: deps.lines,
        onResult: monitorResults(deps, router.name),
      });
      return new KomariPart(sink, pings, nowOf(deps.clock));
    },
    close: () => client.close(),
  };
  return integration;
};

/** Every task result to the fleet's monitor history, stamped on the fleet's clock (the one every reader of the results uses). */
function monitorResults(deps: IntegrationDeps, router: string): (task: KomariPingTask, at: number, rttMs: number | undefined) => void {
  return (task, _at, rttMs) => {
    const type = task.type === 'icmp' || task.type === 'tcp' || task.type === 'http' ? task.type : undefined;
    if (type !== undefined) deps.telemetry.monitorResult?.(router, { source: 'komari', id: task.id, name: task.name, type }, deps.clock.now(), rttMs);
  };
}

/** The node's task list and result endpoint, with the token the Komari sink resolved. */
function komariTaskSource(client: KomariClient, token: () => string | undefined, onResult: (result: PingResult) => void): PingTaskSource {
  // A result is retried with the same object: count each one once (the set comes with the
  // first result: most routers have no ping task).
  let counted: WeakSet<PingResult> | undefined;
  const need = () => {
    const t = token();
    if (t === undefined) throw new TikprobeError('KOMARI_AUTH', 'no Komari token yet (registration pending)');
    return t;
  };
  return {
    fetchTasks: (signal) => client.getPingTasks(need(), signal),
    sendResult: (result, signal) => {
      counted ??= new WeakSet();
      if (!counted.has(result)) {
        counted.add(result);
        onResult(result);
      }
      return client.postPingResult(need(), result, signal);
    },
  };
}
