/**
 * Builds the Nezha sink of each router. The factory holds what the fleet shares for the one
 * configured dashboard — its channel settings, the agent secret and the auth brake (one
 * refusal pauses every router) — and the bridge-side probes the tasks use (the process's
 * shared ones, or its own when none are given). `sinkFor` returns undefined when Nezha is
 * not configured or the router opted out with `nezha: false`.
 */
import type { Config, RouterConfig } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import { type BridgeIcmp, createBridgeIcmp } from '../../probes/bridge-icmp.js';
import { createHttpProber, type HttpProber } from '../../probes/http-probe.js';
import { createMeasure } from '../../probes/measure.js';
import { type Lookup, systemLookup } from '../../probes/resolve.js';
import type { RouterRest } from '../../routeros/rest.js';
import type { Clock } from '../../time/timers.js';
import { NezhaDashboard } from './dashboard.js';
import type { PingHistory } from './history.js';
import { NezhaSink } from './sink.js';
import { isUuid, nodeUuid } from './uuid.js';

/** Where each router's held boot time survives a restart (the state directory). */
export interface BootTimeStore {
  load(router: string): number | undefined;
  save(router: string, bootTimeS: number): void;
}

export interface NezhaFactoryDeps {
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** tikprobe's version (shown as the agent version). */
  version: string;
  /** Receives ping-task results for the v0 API's `/api/v1/monitor/{id}`. */
  history?: PingHistory;
  bootTimes?: BootTimeStore;
  /** The process's shared probes; default: the factory's own / the system resolver. */
  bridgeIcmp?: BridgeIcmp;
  http?: HttpProber;
  lookup?: Lookup;
}

export interface NezhaSinkParts {
  rest: RouterRest;
  logger: Logger;
  /** Whether the router answered its last poll (the runner's `isUp`). */
  isRouterUp: () => boolean;
}

export interface NezhaSinkFactory {
  sinkFor(router: RouterConfig, parts: NezhaSinkParts): NezhaSink | undefined;
  /** Releases the shared probes. Each sink is stopped by its router unit. */
  close(): Promise<void>;
}

export function createNezhaSinkFactory(config: Pick<Config, 'nezha'>, deps: NezhaFactoryDeps): NezhaSinkFactory {
  const nezha = config.nezha;
  if (nezha === undefined) return { sinkFor: () => undefined, close: async () => {} };
  const log = deps.logger.child({ component: 'nezha' });
  if (!nezha.tls) log.warn({ server: nezha.server }, 'nezha.tls is false: the agent secret crosses the network unencrypted (use it only on a trusted network or loopback)');
  else if (nezha.insecureTls) log.warn({ server: nezha.server }, 'nezha.insecureTls is true: the dashboard certificate is not checked (man-in-the-middle possible)');
  const dashboard = new NezhaDashboard(nezha, log, `tikprobe/${deps.version}`);

  // Neither opens anything until a task needs it (the raw socket on the first bridge-side ICMP).
  const icmp = deps.bridgeIcmp ?? createBridgeIcmp(log);
  const http = deps.http ?? createHttpProber();

  return {
    sinkFor(router, parts) {
      if (router.nezha === false) return undefined;
      const configured = router.nezha?.uuid;
      // The dashboard counts a malformed UUID as an auth failure: never send one.
      if (configured !== undefined && !isUuid(configured)) {
        parts.logger.error(`router "${router.name}": nezha.uuid is not a UUID; not reporting it to Nezha`);
        return undefined;
      }
      const uuid = nodeUuid(router.name, configured);
      const store = deps.bootTimes;
      return new NezhaSink({
        router: router.name,
        uuid,
        dashboard,
        rest: parts.rest,
        isRouterUp: parts.isRouterUp,
        measure: createMeasure({ rest: parts.rest, bridgeIcmp: icmp, http, lookup: deps.lookup ?? systemLookup }),
        ping: { via: router.ping.via, count: router.ping.count },
        // A poll may be late by up to a cycle; beyond that the figures are stale.
        staleAfterMs: 2 * router.intervals.report + nezha.reportInterval,
        version: deps.version,
        clock: deps.clock,
        random: deps.random,
        logger: parts.logger.child({ sink: 'nezha' }),
        history: deps.history,
        bootTime: store === undefined ? undefined : { restored: store.load(router.name), save: (s) => store.save(router.name, s) },
      });
    },
    async close() {
      if (deps.bridgeIcmp === undefined) icmp.close();
      if (deps.http === undefined) await http.close();
    },
  };
}
