/**
 * Everything that runs for one router: its REST client (one dispatcher), its poller, the
 * loop that drives it and one part per attached integration. Built and torn down as one
 * unit, so a reload can replace one router without touching the others. A unit that fails
 * half-way through its start stops what it had started: no timer, socket or poll remains.
 */
import type { TrafficState } from '../accounting/traffic.js';
import type { FleetLines } from '../fleet-lines.js';
import { ConnectionCounter } from '../collect/connections.js';
import { ExtendedRunner } from '../collect/extended-runner.js';
import type { RouterConfig } from '../config/schema.js';
import type { Integration, RouterContext } from '../integrations/contract.js';
import type { Logger } from '../log.js';
import type { RouterRest } from '../routeros/rest.js';
import type { TlsContexts } from '../routeros/tls-contexts.js';
import type { Telemetry } from '../telemetry.js';
import type { RequestSlots } from '../time/request-slots.js';
import { type Clock, nowOf } from '../time/timers.js';
import type { LoadMonitor } from './load-monitor.js';
import { type AttachedPart, attachParts, startParts } from './parts.js';
import { restClientFor } from './router-client.js';
import { HEALTH_REFRESH_MS, RouterPoller } from './router-poller.js';
import { RouterRunner } from './router-runner.js';
import type { StartGate } from '../time/start-gate.js';
import type { RouterStateCache } from './state-cache.js';
import { lazyChild } from '../lazy-logger.js';

/** What every router unit of one configuration shares. */
export interface FleetDeps {
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** The fleet-wide limit on router requests in flight (`concurrency`). */
  slots: RequestSlots;
  /** Where every router loop reports its finished ticks (the overload signal). */
  load?: LoadMonitor;
  /** Paces the first polls of a large fleet by how busy the bridge is (undefined: not paced). */
  startGate?: StartGate;
  /** Fleet-wide limits on lines every router may say at once (a dashboard or network outage). */
  lines?: FleetLines;
  /** TLS secure contexts shared by all router connections. */
  tlsContexts: TlsContexts;
  states: RouterStateCache;
  telemetry: Telemetry;
  /** The integrations of this configuration, in registration order. */
  integrations: readonly Integration[];
}

export interface RouterUnit {
  readonly config: RouterConfig;
  readonly runner: RouterRunner;
  readonly rest: RouterRest;
  /** Aborts the poll in flight and stops polling; the parts keep their last sample. */
  stopPolling(): Promise<void>;
  /** Stops every part (aborting dashboard requests at once) and closes the router's connections. */
  stop(): Promise<void>;
}

/** `startSpreadMs`: the first poll falls within this many ms (default: one report interval). */
export async function startRouterUnit(router: RouterConfig, deps: FleetDeps, startSpreadMs?: number): Promise<RouterUnit> {
  // Created on its first line: a healthy router at `warn` never writes one (lazy-logger.ts).
  const logger = lazyChild(deps.logger, { router: router.name });
  const rest = restClientFor(router, deps.slots, deps.tlsContexts, nowOf(deps.clock));
  let runner: RouterRunner | undefined;
  let parts: AttachedPart[] = [];
  try {
    const saved = await deps.states.load(router.name);
    const poller = newPoller(router, rest, logger, deps, saved.traffic);
    const ctx: RouterContext = { router, rest, logger, isUp: () => runner?.isUp() ?? false, state: deps.states.access(router.name) };
    parts = await startParts(attachParts(deps.integrations, ctx));
    runner = new RouterRunner({
      name: router.name,
      intervalMs: router.intervals.report,
      poller,
      parts,
      logger,
      clock: deps.clock,
      random: deps.random,
      telemetry: deps.telemetry,
      progress: () => rest.progress?.(),
      load: deps.load,
      startGate: deps.startGate,
      lines: deps.lines,
      startSpreadMs,
    });
    runner.start();
  } catch (err) {
    await Promise.all([runner?.stop(), ...parts.map((p) => p.stop())]);
    await rest.close();
    throw err;
  }
  const started = runner;
  const stopped = parts;
  return {
    config: router,
    runner: started,
    rest,
    stopPolling: () => started.stop(),
    async stop() {
      await Promise.all([started.stop(), ...stopped.map((p) => p.stop())]);
      await rest.close();
    },
  };
}

function newPoller(router: RouterConfig, rest: RouterRest, logger: Logger, deps: FleetDeps, initialTraffic: TrafficState | undefined): RouterPoller {
  // Connection counts (two count-only requests) every 30 s and the poll's own health read
  // (once a minute) each at a phase of this router's own after the first poll: a fleet started
  // together spreads them over their period's cycles instead of all falling on the same one.
  const counts = cyclePhase(router.intervals.connections, router.intervals.report, deps.random);
  const health = cyclePhase(HEALTH_REFRESH_MS, router.intervals.report, deps.random);
  const healthRead = router.collectors.health.enabled ? [] : [{ period: health.period, requests: 1, offset: health.offset }];
  return new RouterPoller({
    router,
    rest,
    logger,
    lines: deps.lines,
    now: nowOf(deps.clock),
    connectionsPhaseMs: counts.phaseMs,
    healthPhaseMs: health.phaseMs,
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
    initialTraffic,
    onTraffic: (state, shapeChanged) => deps.states.setTraffic(router.name, state, shapeChanged),
    accounting: () => deps.states.accounting(router.name),
    extended: new ExtendedRunner({
      rest,
      config: router.collectors,
      tickMs: router.intervals.report,
      now: nowOf(deps.clock),
      notice: (message) => logger.warn({ condition: 'collectors' }, message),
      // The connection counts' and health reads' cycles, and the first poll's (once) when the phase moved the counts.
      reserved: [
        { period: counts.period, requests: 2, offset: counts.offset },
        ...healthRead,
        ...(counts.offset === 0 ? [] : [{ period: Number.POSITIVE_INFINITY, requests: 2, offset: 0 }]),
      ],
    }),
  });
}

/**
 * A read due every `everyMs`, at a random phase of `period` report cycles: after the first poll
 * the next read comes `phaseMs` sooner, i.e. `offset` cycles on from the first poll's tick.
 */
function cyclePhase(everyMs: number, reportMs: number, random: () => number): { period: number; phaseMs: number; offset: number } {
  const period = Math.max(1, Math.round(everyMs / reportMs));
  const phase = Math.min(period - 1, Math.floor(random() * period));
  return { period, phaseMs: phase * reportMs, offset: (period - phase) % period };
}
