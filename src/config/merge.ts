/** How `defaults:` combines with one router. Pure. */
import { isPlainObject } from './key-path.js';

/**
 * Keys that are alternatives to each other: when a router sets one of them, the other is not
 * inherited, so `defaults: {password: …}` and a router's own `passwordFile:` do not clash.
 */
const ALTERNATIVES: readonly { at: readonly string[]; keys: readonly [string, string] }[] = [
  { at: [], keys: ['password', 'passwordFile'] },
  { at: ['komari'], keys: ['token', 'tokenFile'] },
];

/** Objects merge recursively; arrays and scalars are replaced; the override's keys win. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const inherited = out[key];
    out[key] = isPlainObject(inherited) && isPlainObject(value) ? deepMerge(inherited, value) : value;
  }
  return out;
}

/** The router as the daemon sees it: `defaults:` deep-merged under the router's own keys. */
export function mergeDefaults(defaults: Record<string, unknown>, router: Record<string, unknown>): Record<string, unknown> {
  const merged = deepMerge(defaults, router);
  for (const { at, keys } of ALTERNATIVES) {
    const own = objectAt(router, at);
    // Where the router has its own object at `at` and an inherited key is present, deepMerge
    // built a fresh object there, so deleting from it never touches `defaults`.
    const target = objectAt(merged, at);
    if (!own || !target) continue;
    const [a, b] = keys;
    if (Object.hasOwn(own, a) && !Object.hasOwn(own, b)) delete target[b];
    if (Object.hasOwn(own, b) && !Object.hasOwn(own, a)) delete target[a];
  }
  return merged;
}

function objectAt(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let cur: unknown = root;
  for (const key of path) cur = isPlainObject(cur) ? cur[key] : undefined;
  return isPlainObject(cur) ? cur : undefined;
}
