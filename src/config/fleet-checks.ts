/** Rules that span routers or the whole file: unique names, and a sink for every router. Pure. */
import { formatKeyPath, isPlainObject } from './key-path.js';
import { placeInRouter, placeOf } from './place.js';
import type { CheckContext, RouterEntry } from './validate.js';

export function checkFleet(ctx: CheckContext, doc: Record<string, unknown>, routers: readonly RouterEntry[]): void {
  checkUniqueNames(ctx, routers);
  checkSinks(ctx, doc, routers);
}

/**
 * Names are compared ignoring case: each names a file in the state directory, and two names
 * that differ only in case would share it on a case-insensitive file system.
 */
function checkUniqueNames(ctx: CheckContext, routers: readonly RouterEntry[]): void {
  const seen = new Map<string, number>();
  for (const { index, merged } of routers) {
    const name = merged?.name;
    if (typeof name !== 'string' || name === '') continue;
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      continue;
    }
    const path = ['routers', index, 'name'];
    const firstLine = ctx.src.lineOf(['routers', first, 'name']);
    ctx.issues.add({
      path: formatKeyPath(path),
      line: ctx.src.lineOf(path),
      message: `"${name}" is already the name of routers[${first}]${firstLine ? ` (line ${firstLine})` : ''}; router names must be unique, ignoring case`,
    });
  }
}

/** Every router reports to Komari (the only sink so far), so it needs a token or discovery. */
function checkSinks(ctx: CheckContext, doc: Record<string, unknown>, routers: readonly RouterEntry[]): void {
  if (routers.length === 0) return;
  const komari = doc.komari;
  if (komari === undefined || komari === null) {
    ctx.issues.add({
      path: 'komari',
      line: placeOf(ctx.src, ['routers']).line,
      message: 'missing: routers report to Komari, so add a top-level komari: section with the server url: (Nezha is not supported in this version)',
    });
  }
  const discovery = isPlainObject(komari) && komari.autoDiscoveryKey !== undefined && komari.autoDiscoveryKey !== null;
  if (discovery) return;
  for (const { index, merged } of routers) {
    if (!merged) continue;
    const own = isPlainObject(merged.komari) ? merged.komari : {};
    if (own.token !== undefined || own.tokenFile !== undefined) continue;
    const place = placeInRouter(ctx.src, index, ['komari', 'token']);
    ctx.issues.add({
      path: formatKeyPath(['routers', index, 'komari', 'token']),
      line: place.line,
      message: 'missing: this router has no Komari token; set komari.token (or komari.tokenFile) here, or komari.autoDiscoveryKey at the top level to register it automatically',
      node: formatKeyPath(place.node),
    });
  }
}
