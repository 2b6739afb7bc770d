/** Rules that span routers or the whole file: unique names and Nezha UUIDs, and a sink for every router. Pure. */
import { formatKeyPath, isPlainObject } from './key-path.js';
import { placeInRouter, placeOf } from './place.js';
import type { CheckContext, RouterEntry } from './validate.js';

export function checkFleet(ctx: CheckContext, doc: Record<string, unknown>, routers: readonly RouterEntry[]): void {
  checkUniqueNames(ctx, routers);
  checkSinks(ctx, doc, routers);
  checkNezhaUuids(ctx, routers);
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

/**
 * Every router needs at least one sink: Komari (a token, or the discovery key) or Nezha
 * (`nezha:` at the top level, unless the router says `nezha: false`).
 */
function checkSinks(ctx: CheckContext, doc: Record<string, unknown>, routers: readonly RouterEntry[]): void {
  if (routers.length === 0) return;
  const komari = doc.komari;
  const hasKomari = komari !== undefined && komari !== null;
  const hasNezha = doc.nezha !== undefined && doc.nezha !== null;
  const reportsToNezha = (merged: Record<string, unknown>) => hasNezha && merged.nezha !== false;
  const orphans = routers.filter((r) => r.merged !== undefined && !reportsToNezha(r.merged));
  if (!hasKomari && orphans.length > 0) {
    ctx.issues.add({
      path: 'komari',
      line: placeOf(ctx.src, ['routers']).line,
      message: hasNezha
        ? 'missing: routers with nezha: false report to Komari only, so add a top-level komari: section with the server url:'
        : 'missing: routers report to Komari, so add a top-level komari: section with the server url: (or a nezha: section to report to Nezha only)',
    });
  }
  const discovery = isPlainObject(komari) && komari.autoDiscoveryKey !== undefined && komari.autoDiscoveryKey !== null;
  if (discovery) return;
  for (const { index, merged } of routers) {
    if (!merged) continue;
    const own = isPlainObject(merged.komari) ? merged.komari : {};
    if (own.token !== undefined || own.tokenFile !== undefined) continue;
    // Without a Komari token the router reports to Nezha only.
    if (reportsToNezha(merged)) continue;
    const place = placeInRouter(ctx.src, index, ['komari', 'token']);
    ctx.issues.add({
      path: formatKeyPath(['routers', index, 'komari', 'token']),
      line: place.line,
      message: 'missing: this router has no Komari token; set komari.token (or komari.tokenFile) here, or komari.autoDiscoveryKey at the top level to register it automatically',
      node: formatKeyPath(place.node),
    });
  }
}

/** Two routers on one Nezha node would overwrite each other's figures. */
function checkNezhaUuids(ctx: CheckContext, routers: readonly RouterEntry[]): void {
  const seen = new Map<string, number>();
  for (const { index, merged } of routers) {
    const own = merged?.nezha;
    if (!isPlainObject(own) || typeof own.uuid !== 'string') continue;
    const key = own.uuid.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      continue;
    }
    const path = ['routers', index, 'nezha', 'uuid'];
    ctx.issues.add({
      path: formatKeyPath(path),
      line: ctx.src.lineOf(path),
      message: `is already the Nezha UUID of routers[${first}]; each router needs its own node`,
    });
  }
}
