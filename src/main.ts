/**
 * The composition root: the only module that knows every concrete class. It builds the
 * state store, the shared probes and TLS contexts, the integrations (from the one list
 * below), the bridge, the status server and the systemd notifier, and owns their start and
 * shutdown order. Nothing below it reaches for a global: every dependency arrives as an
 * argument.
 */
import { startupWarnings } from './config/startup-warnings.js';
import { performance } from 'node:perf_hooks';
import { Bridge, type FleetFactory, sayStartupWarnings } from './bridge/bridge.js';
import { LoadMonitor } from './bridge/load-monitor.js';
import { RouterStateCache } from './bridge/state-cache.js';
import { type AttachedCluster, attachCluster, withoutRouters } from './cluster/attach.js';
import { createCluster, type StateBackend } from './cluster/backend.js';
import type { Config } from './config/schema.js';
import { buildIntegrations, closeIntegrations, closeProbes } from './integrations/build.js';
import type { Integration, IntegrationDeps, IntegrationFactory, SharedProbes } from './integrations/contract.js';
import { createKomari } from './integrations/komari/index.js';
import { createNezha } from './integrations/nezha/index.js';
import { FleetLines } from './fleet-lines.js';
import type { Logger } from './log.js';
import { createBridgeIcmp } from './probes/bridge-icmp.js';
import { createHttpProber } from './probes/http-probe.js';
import { TlsContexts } from './routeros/tls-contexts.js';
import type { FleetView } from './router-view.js';
import { ensureWritableDir } from './state/writable.js';
import { createStateFlusher, createStateStore, type StateStore } from './state/store.js';
import { fanOut, nullTelemetry, type Telemetry } from './telemetry.js';
import { RequestSlots } from './time/request-slots.js';
import { busyShareSince, StartGate } from './time/start-gate.js';
import { type Clock, systemClock } from './time/timers.js';
import type { RunningFleet } from './workers/start.js';

/** Every integration, in the order their parts are attached. A new one is one line here. */
export const INTEGRATIONS: readonly IntegrationFactory[] = [createKomari, createNezha];

export interface AppDeps {
  logger: Logger;
  version: string;
  clock?: Clock;
  random?: () => number;
  /** How often dirty traffic state is written to disk (default 60 s; shutdown always flushes). */
  stateFlushMs?: number;
  /** Receives poll, sink and ping events (the status server's metrics); default: none. */
  telemetry?: Telemetry;
  /** The integrations to run; default INTEGRATIONS. */
  integrations?: readonly IntegrationFactory[];
  /** Event-loop busy ms since the start, for the load estimate (default: perf_hooks' eventLoopUtilization). */
  cpuBusyMs?: () => number;
  /** A worker thread's store (its calls answered by the main thread's); default: state.dir, or the cluster's. */
  store?: StateBackend & Partial<Pick<StateStore, 'persisted'>>;
  /** Threads sharing the fleet-wide budgets (Komari connections); default 1. */
  workers?: number;
}

/** The one-thread form of what the daemon runs (workers/start.ts has the threaded one). */
export interface RunningBridge extends RunningFleet {
  bridge: Bridge;
}

export async function startBridge(config: Config, deps: AppDeps): Promise<RunningBridge> {
  const { clock = systemClock, random = Math.random, logger } = deps;
  const { load, newSlots, gateFor, lines, tlsContexts } = fleetLoad(clock, logger, deps.cpuBusyMs);
  sayStartupWarnings(startupWarnings(config), lines, logger);
  const cluster = config.cluster && !deps.store ? createCluster(config.cluster, logger) : undefined;
  if (!cluster && !deps.store) await ensureWritableDir(config.stateDir);
  const store = deps.store ?? cluster?.store ?? createStateStore(config.stateDir, { logger });
  const flusher = createStateFlusher({ store, intervalMs: deps.stateFlushMs ?? 60_000, now: () => clock.now(), timers: clock, logger });
  const states = new RouterStateCache(store, flusher);
  // Both open nothing until a task needs them (the raw socket on the first bridge-side ICMP).
  const probes: SharedProbes = { icmp: createBridgeIcmp(logger.child({ component: 'icmp' })), http: createHttpProber() };
  let bridge: Bridge | undefined;
  let current: Integration[] = [];
  const fleet: FleetView = { view: () => bridge?.view() ?? [], tagOf: (name) => bridge?.tagOf(name) };
  const telemetry = fanOut(deps.telemetry ?? nullTelemetry, () => current.map((i) => i.listen ?? {}));
  const integrationDeps: IntegrationDeps = { logger, clock, random, version: deps.version, probes, telemetry, fleet, workers: deps.workers, lines };

  const factory: FleetFactory = {
    build(cfg) {
      const integrations = buildIntegrations(deps.integrations ?? INTEGRATIONS, cfg, integrationDeps);
      current = integrations;
      return {
        logger,
        clock,
        random,
        slots: newSlots(cfg.concurrency),
        load,
        startGate: gateFor(cfg.routers.length),
        lines,
        tlsContexts,
        states,
        telemetry,
        integrations,
        close: () => closeIntegrations(integrations, logger),
      };
    },
    fleetKey: (cfg) => JSON.stringify([cfg.komari, cfg.nezha, cfg.status, cfg.concurrency]),
  };
  // In cluster mode the bridge starts empty and runs the routers whose buckets this replica takes.
  bridge = new Bridge(cluster ? withoutRouters(config) : config, factory, logger, () => flusher.flush());
  const startedAt = clock.now();
  await bridge.start();
  const running = bridge;
  const attached: AttachedCluster | undefined = cluster ? await attachCluster(cluster, running, config, () => flusher.flush(), logger) : undefined;
  return {
    bridge: running,
    startedAt,
    routes: () => current.flatMap((i) => i.routes?.() ?? []),
    sections: () => [load, ...(attached?.sections() ?? [])],
    flushState: () => flusher.flush(),
    reload: async (next) => void (attached ? await attached.reload(next) : await running.reload(next)),
    stop: () =>
      stopInOrder([() => attached?.stop(), () => running.stop()], async () => {
        flusher.stop?.();
        lines.close();
        await closeProbes(probes);
      }),
  };
}

/** Runs the stops in order, then `after` whatever they did: a save that failed at stop still leaves no retry timer, line window or probe socket behind. */
async function stopInOrder(stops: readonly (() => Promise<void> | undefined)[], after: () => Promise<void>): Promise<void> {
  try {
    for (const stop of stops) await stop();
  } finally {
    await after();
  }
}

/**
 * From this many routers per thread, first polls go through the start gate: a first poll costs
 * several regular ones, and at 5 000 routers the first interval's alone saturated the bridge
 * for ~25 s (bench/README.md, "Start-up pacing"). Smaller fleets start as before.
 */
export const PACED_FLEET = 1000;

const eventLoopBusyMs = (): number => performance.eventLoopUtilization().active;

/**
 * What the fleet shares: the load monitor, the request slots it reads (rebuilt when
 * `concurrency` changes), the start gate, the TLS secure contexts, and the fleet lines (a dashboard or network outage
 * hits every router at once: its lines are said for the fleet).
 */
function fleetLoad(
  clock: Clock,
  logger: Logger,
  cpuBusyMs: () => number = eventLoopBusyMs,
): { load: LoadMonitor; newSlots(size: number): RequestSlots; gateFor(routers: number): StartGate | undefined; lines: FleetLines; tlsContexts: TlsContexts } {
  let slots: RequestSlots | undefined;
  const startGate = new StartGate({ clock, busyShare: busyShareSince(clock, cpuBusyMs) });
  const load = new LoadMonitor({
    now: () => clock.now(),
    cpuBusyMs,
    slots: () => (slots === undefined ? undefined : { ...slots.figures(), size: slots.size }),
    logger,
  });
  return {
    load,
    newSlots(size) {
      slots = new RequestSlots(size, () => clock.now());
      return slots;
    },
    gateFor: (routers) => (routers >= PACED_FLEET ? startGate : undefined),
    lines: new FleetLines(logger),
    tlsContexts: new TlsContexts(),
  };
}
