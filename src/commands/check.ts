/**
 * `tikprobe check`: the config is valid (the loader already said so), then for every router:
 * reachable with TLS and credentials, `/system/resource` readable, traffic interfaces found,
 * connection counting mode, the `test` policy when router-side ping is configured; and the
 * Komari token accepted (even when the router fails). Before the table: the state directory,
 * shared tokens, the Nezha dashboard and the status address. False when anything failed.
 */
import pLimit from 'p-limit';
import { restClientFor } from '../bridge/router-client.js';
import { ConnectionCounter } from '../collect/connections.js';
import { collectInterfaceCounters } from '../collect/interfaces.js';
import { collectResource } from '../collect/resource.js';
import { resolveDefaultRouteInterfaces } from '../collect/routes.js';
import type { Config, RouterConfig } from '../config/schema.js';
import { errorCode, errorMessage } from '../errors.js';
import type { RouterRest } from '../routeros/rest.js';
import { TlsContexts } from '../routeros/tls-contexts.js';
import { createKomariClient, type KomariClient } from '../integrations/komari/client.js';
import { createStateStore } from '../state/store.js';
import { bridgeChecks, renderBridgeChecks } from './check-bridge.js';
import { type CheckRow, renderCheckTable } from './check-table.js';

export interface CheckDeps {
  config: Config;
  version: string;
  out: (text: string) => void;
}

export async function runCheck(deps: CheckDeps): Promise<boolean> {
  const { config } = deps;
  const limit = pLimit(config.concurrency);
  const tlsContexts = new TlsContexts();
  const komari = config.komari ? createKomariClient({ baseUrl: config.komari.url, timeoutMs: config.komari.timeout }) : undefined;
  const store = createStateStore(config.stateDir);
  try {
    const rows = await Promise.all(
      config.routers.map(async (r) => {
        const rest = restClientFor(r, limit, tlsContexts);
        try {
          return await checkRouter(r, rest, komari, store, config);
        } finally {
          await rest.close();
        }
      }),
    );
    const host = await bridgeChecks(config, config.nezha ? await knownNodeUuid(config, store) : undefined);
    deps.out(renderBridgeChecks(host));
    deps.out('');
    deps.out(renderCheckTable(rows));
    const failed = rows.filter((row) => Object.values(row.cells).some((c) => !c.ok)).length;
    const hostFailed = host.filter((c) => !c.ok).length;
    deps.out(failed === 0 ? `\nall ${rows.length} router(s) OK` : `\n${failed} of ${rows.length} router(s) have problems`);
    if (hostFailed > 0) deps.out(`${hostFailed} problem(s) outside the routers (above the table)`);
    return failed === 0 && hostFailed === 0;
  } finally {
    await komari?.close();
  }
}

/** A Nezha node UUID the dashboard already knows: one configured, else one a router's state holds. */
async function knownNodeUuid(config: Config, store: ReturnType<typeof createStateStore>): Promise<string | undefined> {
  for (const r of config.routers) if (r.nezha !== false && r.nezha?.uuid !== undefined) return r.nezha.uuid;
  for (const r of config.routers) {
    const saved = (await store.load(r.name).catch(() => undefined))?.nezhaUuid;
    if (saved !== undefined) return saved;
  }
  return undefined;
}

type Cell = { ok: boolean; text: string };
const ok = (text: string): Cell => ({ ok: true, text });
const fail = (err: unknown): Cell => ({ ok: false, text: `${errorCode(err) ?? 'ERROR'}: ${errorMessage(err)}` });

async function checkRouter(
  router: RouterConfig,
  rest: RouterRest,
  komari: KomariClient | undefined,
  store: ReturnType<typeof createStateStore>,
  config: Config,
): Promise<CheckRow> {
  const signal = AbortSignal.timeout(router.timeout * 8 + 5000);
  const cells: Record<string, Cell> = {};
  try {
    const res = await collectResource(rest, signal);
    cells.router = ok(`RouterOS ${res.version}, ${res.boardName}, cpu ${res.cpuLoadPercent}%`);
  } catch (err) {
    cells.router = fail(err);
    // The token is checked whatever the router does: a bad one would stay hidden otherwise.
    cells.komari = await checkKomari(router, komari, store, config, signal);
    return { router: router.name, cells };
  }
  try {
    const names = router.traffic.interfaces === 'auto' ? await resolveDefaultRouteInterfaces(rest, signal) : router.traffic.interfaces;
    if (names.length === 0) cells.interfaces = { ok: false, text: 'no active default route: set traffic.interfaces' };
    else {
      const { missing } = await collectInterfaceCounters(rest, signal, names);
      cells.interfaces = missing.length ? { ok: false, text: `not found: ${missing.join(', ')}` } : ok(names.join(', '));
    }
  } catch (err) {
    cells.interfaces = fail(err);
  }
  try {
    const counts = await new ConnectionCounter({ reprobeMs: router.intervals.basicInfo }).count(rest, signal, Date.now());
    cells.connections = ok(counts.source === 'count-only' ? `tcp ${counts.tcp}, udp ${counts.udp}` : `total ${counts.tcp} (no per-protocol count)`);
  } catch (err) {
    cells.connections = fail(err);
  }
  if (router.ping.via === 'router') {
    try {
      await rest.post('ping', { address: '127.0.0.1', count: '1' }, { signal });
      cells.ping = ok('test policy present');
    } catch (err) {
      cells.ping = errorCode(err) === 'ROUTER_POLICY' ? { ok: false, text: 'the user group lacks the "test" policy (router-side ping)' } : fail(err);
    }
  }
  cells.komari = await checkKomari(router, komari, store, config, signal);
  return { router: router.name, cells };
}

async function checkKomari(
  router: RouterConfig,
  komari: KomariClient | undefined,
  store: ReturnType<typeof createStateStore>,
  config: Config,
  signal: AbortSignal,
): Promise<Cell> {
  if (!komari) return ok('not configured');
  const token = router.komari.token ?? (await store.load(router.name).catch(() => undefined))?.komari?.token;
  if (token === undefined) {
    return config.komari?.autoDiscoveryKey ? ok('will register with the discovery key on first run') : { ok: false, text: 'no token' };
  }
  try {
    await komari.getPingTasks(token, signal);
    return ok('token accepted');
  } catch (err) {
    return fail(err);
  }
}
