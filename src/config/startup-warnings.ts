/**
 * What a user should hear about a configuration that is valid but risky, said when routers
 * start: at start and for each router a SIGHUP adds. Pure: the caller logs them.
 */
import type { RouterConfig } from './schema.js';

export interface StartupWarning {
  /** The router it is about; absent for the file as a whole or for many routers at once. */
  router?: string;
  /** When it is about more than PER_ROUTER_UP_TO routers: one line for all of them, how many and the first few names. */
  routers?: { count: number; first: string[] };
  message: string;
}

/** Up to this many routers with the same warning get a line each; more get one line together. */
export const PER_ROUTER_UP_TO = 3;
/** Names a line for many routers shows. */
const FIRST_NAMES = 5;

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

/**
 * Warnings for the routers given (all of them at start, the added ones after a SIGHUP), in the
 * order they first appear. A warning of many routers is one line (5 000 plain-HTTP routers
 * once said the same line 5 000 times).
 */
export function startupWarnings(
  config: { komari?: unknown; routers: readonly Pick<RouterConfig, 'name' | 'url' | 'tls' | 'intervals'>[] },
  routers = config.routers,
): StartupWarning[] {
  const byMessage = new Map<string, string[]>();
  for (const w of routers.flatMap((r) => routerWarnings(r, config.komari !== undefined))) {
    const names = byMessage.get(w.message) ?? [];
    if (w.router !== undefined) names.push(w.router);
    byMessage.set(w.message, names);
  }
  return [...byMessage].flatMap(([message, names]): StartupWarning[] =>
    names.length <= PER_ROUTER_UP_TO ? names.map((router) => ({ router, message })) : [{ routers: { count: names.length, first: names.slice(0, FIRST_NAMES) }, message }],
  );
}

/** The log fields of a warning: its router, or how many routers and the first names. */
export function warningFields(w: StartupWarning): Record<string, unknown> {
  if (w.routers !== undefined) return { routers: w.routers.count, first: w.routers.first };
  return w.router === undefined ? {} : { router: w.router };
}
