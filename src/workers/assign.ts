/**
 * Which worker thread polls which router: rendezvous (highest-random-weight) hashing of the
 * router's name over the worker indexes. A router's worker depends only on its name and the
 * worker count, never on the other routers, so a reload that adds, removes or changes
 * routers moves no other router. Pure.
 */
import type { Config, RouterConfig } from '../config/schema.js';
import { budgetShare, MAX_WORKERS } from '../config/schema-workers.js';
import { fnv1a, mix } from '../hash.js';

/** The worker (0 … count − 1) that polls `router`. */
export function workerOf(router: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`worker count must be a positive integer, got ${count}`);
  const base = fnv1a(router);
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < count; i++) {
    const score = mix(base ^ Math.imul(i + 1, 0x9e3779b9));
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/** The routers of each worker, in configuration order. */
export function shardRouters<R extends Pick<RouterConfig, 'name'>>(routers: readonly R[], count: number): R[][] {
  const shards: R[][] = Array.from({ length: count }, () => []);
  for (const r of routers) shards[workerOf(r.name, count)]!.push(r);
  return shards;
}

/**
 * The worker count for `workers:`; `auto` is one per core the process may use, at most
 * MAX_WORKERS. The result is at least 1.
 */
export function workerCount(setting: number | 'auto' | undefined, cores: number): number {
  if (setting === undefined) return 1;
  const wanted = setting === 'auto' ? cores : setting;
  return Math.max(1, Math.min(MAX_WORKERS, Math.floor(wanted)));
}

/**
 * What every worker of `count` runs, index by index, from one pass over the routers (each
 * router hashed once against every worker index).
 */
export function shardConfigs(config: Config, count: number): Config[] {
  return shardRouters(config.routers, count).map((routers) => workerShare(config, routers, count));
}

/** A worker's routers, and the fleet-wide request budget (`concurrency`) split so the workers together never exceed it (each at least 1). */
function workerShare(config: Config, routers: RouterConfig[], count: number): Config {
  return { ...config, workers: 1, concurrency: budgetShare(config.concurrency, count), routers };
}
