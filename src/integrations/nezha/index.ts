/**
 * The Nezha integration: one dashboard channel for the fleet (its settings, the agent secret
 * and the auth brake), per router a NezhaSink part, and the Nezha v0 read API on the status
 * server (served whenever the status server runs, with or without a `nezha:` dashboard, so
 * v0 scripts can read the fleet; its monitor history is fed by every task result).
 */
import type { Config, RouterConfig } from '../../config/schema.js';
import { loadInstallationId } from '../../state/installation-id.js';
import type { StatusRoute } from '../../status-section.js';
import { createMeasure } from '../../probes/measure.js';
import { type Lookup, systemLookup } from '../../probes/resolve.js';
import type { Integration, IntegrationDeps, RouterContext, RouterPart } from '../contract.js';
import { NezhaDashboard } from './dashboard.js';
import { PingHistory } from './history.js';
import { NezhaSink } from './sink.js';
import { resolveNodeUuid } from './node-identity.js';
import { isUuid } from './uuid.js';
import { createNezhaV0Api } from './v0-api.js';
import { lazyChild } from '../../lazy-logger.js';
import { nowOf } from '../../time/timers.js';

export interface NezhaOptions {
  /** Test seam: the resolver for bridge-side probes. */
  lookup?: Lookup;
}

export function createNezha(config: Config, deps: IntegrationDeps, options: NezhaOptions = {}): Integration | undefined {
  const nezha = config.nezha;
  if (nezha === undefined && config.status === undefined) return undefined;
  const history = new PingHistory();
  const log = deps.logger.child({ component: 'nezha' });
  let dashboard: NezhaDashboard | undefined;
  let installation: Promise<string> | undefined;
  // Read (or made) once, when the first router's node UUID is resolved; retried after a failure.
  const installationId = () => {
    installation ??= loadInstallationId(config.stateDir).catch((err: unknown) => {
      installation = undefined;
      throw err;
    });
    return installation;
  };
  if (nezha !== undefined) {
    if (!nezha.tls) log.warn({ server: nezha.server }, 'nezha.tls is false: the agent secret crosses the network unencrypted (use it only on a trusted network or loopback)');
    else if (nezha.insecureTls) log.warn({ server: nezha.server }, 'nezha.insecureTls is true: the dashboard certificate is not checked (man-in-the-middle possible)');
    dashboard = new NezhaDashboard(nezha, log, `tikprobe/${deps.version}`);
  }
  // Built once: the status server asks for the routes on every request.
  const routes: StatusRoute[] = [
    {
      // The v0 API checks its callers as Nezha does (its own token rules and messages).
      auth: 'own',
      handle: createNezhaV0Api({
        token: config.status?.token,
        view: () => deps.fleet.view(),
        tagOf: (name) => deps.fleet.tagOf(name),
        history,
        version: deps.version,
        now: nowOf(deps.clock),
      }),
    },
  ];
  return {
    name: 'nezha',
    attach: (ctx) => (dashboard === undefined ? undefined : nezhaPart(ctx, dashboard, config, deps, { lookup: options.lookup ?? systemLookup, installationId })),
    routes: () => routes,
    listen: {
      monitorResult: (router, monitor, at, delayMs) => history.record(router, monitor, at, delayMs),
    },
    close: async () => undefined,
  };
}

interface PartSeams {
  lookup: Lookup;
  installationId: () => Promise<string>;
}

function nezhaPart(ctx: RouterContext, dashboard: NezhaDashboard, config: Config, deps: IntegrationDeps, seams: PartSeams): RouterPart | undefined {
  const { router } = ctx;
  if (router.nezha === false) return undefined;
  const configured = router.nezha?.uuid;
  // The dashboard counts a malformed UUID as an auth failure: never send one.
  if (configured !== undefined && !isUuid(configured)) {
    ctx.logger.error(`router "${router.name}": nezha.uuid is not a UUID; not reporting it to Nezha`);
    return undefined;
  }
  const identity = {
    routerName: router.name,
    configured,
    state: ctx.state,
    installationId: seams.installationId,
    reportedBefore: ctx.state.get().nezhaBootTimeS !== undefined,
  };
  return new NezhaSink({
    router: router.name,
    uuid: (info) => resolveNodeUuid(identity, info),
    dashboard,
    isRouterUp: () => ctx.isUp(),
    measure: createMeasure({ rest: ctx.rest, bridgeIcmp: deps.probes.icmp, http: deps.probes.http, lookup: seams.lookup }),
    httpGet: (url, options) => deps.probes.http.measure(url, options, 'nezha'),
    ping: { via: router.ping.via, count: router.ping.count },
    staleAfterMs: staleAfterMs(router, config),
    version: deps.version,
    clock: deps.clock,
    random: deps.random,
    logger: lazyChild(ctx.logger, { sink: 'nezha' }),
    lines: deps.lines,
    telemetry: deps.telemetry,
    bootTime: {
      restored: ctx.state.get().nezhaBootTimeS,
      save: (bootTimeS) => ctx.state.update({ nezhaBootTimeS: bootTimeS }),
    },
  });
}

/** A poll may be late by up to a cycle; beyond that the figures are stale. */
function staleAfterMs(router: RouterConfig, config: Config): number {
  return 2 * router.intervals.report + (config.nezha?.reportInterval ?? 0);
}
