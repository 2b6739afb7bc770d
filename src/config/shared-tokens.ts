/**
 * Routers that share one Komari token: they would overwrite each other's node. Pure; the
 * token itself is never part of the answer.
 */
export function sharedKomariTokens(routers: readonly { name: string; komari: { token: string | undefined } }[]): string[][] {
  const byToken = new Map<string, string[]>();
  for (const r of routers) {
    if (r.komari.token === undefined) continue;
    const names = byToken.get(r.komari.token) ?? [];
    names.push(r.name);
    byToken.set(r.komari.token, names);
  }
  return [...byToken.values()].filter((names) => names.length > 1);
}
