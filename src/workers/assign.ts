/**
 * Which worker thread polls which router: rendezvous (highest-random-weight) hashing of the
 * router's name over the worker indexes. A router's worker depends only on its name and the
 * worker count, never on the other routers, so a reload that adds, removes or changes
 * routers moves no other router. Pure.
 */
import type { Config, RouterConfig } from '../config/schema.js';
import { MAX_WORKERS } from '../config/schema-workers.js';

/** 32-bit FNV-1a of a string's UTF-16 code units (router names are ASCII). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: spreads every input bit over the whole word. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

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
 * What worker `index` of `count` runs: its routers, and the fleet-wide request budget
 * (`concurrency`) split so the workers together never exceed it (each at least 1).
 */
export function shardConfig(config: Config, index: number, count: number): Config {
  return {
    ...config,
    workers: 1,
    concurrency: Math.max(1, Math.floor(config.concurrency / count)),
    routers: config.routers.filter((r) => workerOf(r.name, count) === index),
  };
}

/** A fleet-wide connection budget split over `count` workers (each at least 1). */
export function budgetShare(total: number, count: number): number {
  return Math.max(1, Math.floor(total / count));
}
