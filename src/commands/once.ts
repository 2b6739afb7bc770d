/**
 * `tikprobe once`: one cycle per router — two samples 1 s apart so rates are real — printed
 * as one JSON line per router: {"router","basicInfo","report"}. Sends nothing and writes no
 * state (saved totals are read, so the printed totals are the ones `run` would send).
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { ConnectionCounter } from '../collect/connections.js';
import { restClientFor } from '../bridge/router-client.js';
import type { Config, RouterConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { TlsContexts } from '../routeros/tls-contexts.js';
import { RouterPoller } from '../bridge/router-poller.js';
import { toKomariBasicInfo, toKomariReport } from '../integrations/komari/payload.js';
import { createStateStore } from '../state/store.js';

export interface OnceDeps {
  config: Config;
  router: string | undefined;
  out: (line: string) => void;
  err: (line: string) => void;
  logger: Logger;
  version: string;
  /** Gap between the two samples (1 s; tests shorten it). */
  gapMs?: number;
}

export async function runOnce(deps: OnceDeps): Promise<boolean> {
  const wanted = deps.router?.toLowerCase();
  const routers = wanted === undefined ? deps.config.routers : deps.config.routers.filter((r) => r.name.toLowerCase() === wanted);
  if (routers.length === 0) {
    const names = deps.config.routers.map((r) => r.name);
    const listed = names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
    deps.err(`no router named "${deps.router}" in the configuration (routers: ${listed})`);
    return false;
  }
  const limit = pLimit(deps.config.concurrency);
  const tlsContexts = new TlsContexts();
  const store = createStateStore(deps.config.stateDir);
  const results = await Promise.all(routers.map((r) => onceForRouter(r, deps, limit, store, tlsContexts)));
  return results.every(Boolean);
}

async function onceForRouter(
  router: RouterConfig,
  deps: OnceDeps,
  limit: LimitFunction,
  store: ReturnType<typeof createStateStore>,
  tlsContexts: TlsContexts,
): Promise<boolean> {
  const rest = restClientFor(router, limit, tlsContexts);
  try {
    const saved = await store.load(router.name).catch(() => undefined);
    const poller = new RouterPoller({
      router,
      rest,
      logger: deps.logger.child({ router: router.name }),
      now: () => Date.now(),
      connections: new ConnectionCounter({ reprobeMs: router.intervals.basicInfo }),
      initialTraffic: saved?.traffic,
      onTraffic: () => undefined,
    });
    const signal = AbortSignal.timeout(router.timeout * 4 + (deps.gapMs ?? 1000) + 5000);
    await poller.poll(signal);
    await new Promise((resolve) => setTimeout(resolve, deps.gapMs ?? 1000));
    const sample = await poller.poll(signal);
    deps.out(
      JSON.stringify({
        router: router.name,
        basicInfo: toKomariBasicInfo(sample.info, deps.version),
        report: toKomariReport(sample),
      }),
    );
    return true;
  } catch (err) {
    const message = errorMessage(err);
    // Router errors already name the router; say it once.
    deps.err(message.startsWith(`${router.name}: `) ? message : `${router.name}: ${message}`);
    return false;
  } finally {
    await rest.close();
  }
}
