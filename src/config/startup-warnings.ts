/**
 * What a user should hear about a configuration that is valid but risky, said when routers
 * start: at start and for each router a SIGHUP adds. Pure: the caller logs them.
 */
import type { RouterConfig } from './schema.js';

export interface StartupWarning {
  /** The router it is about; absent for the file as a whole. */
  router?: string;
  message: string;
}

/** Komari ≤ 1.2.1 shows an HTTP-reporting node offline 11 s after its last report (35 s from 1.2.2). */
export const KOMARI_OLD_OFFLINE_MS = 11_000;

export function routerWarnings(r: Pick<RouterConfig, 'name' | 'url' | 'tls' | 'intervals'>, komari: boolean): StartupWarning[] {
  const out: StartupWarning[] = [];
  if (!r.tls.verify) out.push({ router: r.name, message: 'tls.verify is false: the router certificate is not checked (man-in-the-middle possible)' });
  if (r.url.startsWith('http://')) out.push({ router: r.name, message: 'plain http: the RouterOS password crosses the network unencrypted' });
  if (komari && r.intervals.report >= KOMARI_OLD_OFFLINE_MS)
    out.push({
      router: r.name,
      message: `intervals.report is ${r.intervals.report / 1000} s: Komari 1.2.1 and older show the node offline 11 s after a report (1.2.2 and later: 35 s); use 10s or less with an older Komari`,
    });
  return out;
}

/** Warnings for the routers given (all of them at start, the added ones after a SIGHUP). */
export function startupWarnings(
  config: { komari?: unknown; routers: readonly Pick<RouterConfig, 'name' | 'url' | 'tls' | 'intervals'>[] },
  routers = config.routers,
): StartupWarning[] {
  return routers.flatMap((r) => routerWarnings(r, config.komari !== undefined));
}
