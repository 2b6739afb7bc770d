/**
 * Routers whose settings blocks are equal share one object per block. A fleet of thousands
 * configured from the same `defaults:` holds the same `collectors:` (nine objects), `intervals:`,
 * `ping:`, `traffic:` and `tls:` blocks once instead of once per router: ≈ 0.8 KB per router
 * (bench/README.md). The shared blocks are frozen, so no router can change another's. No I/O.
 */
import type { RouterConfig } from './schema.js';

/** The blocks that routers of one fleet usually have alike (never the name, URL or credentials). */
const SHARED_BLOCKS = ['intervals', 'traffic', 'ping', 'collectors', 'tls'] as const;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Makes the routers' equal blocks one shared, frozen object each, in place: the routers keep
 * their values and their identity (whoever holds them sees the shared blocks, and the blocks
 * they replace are garbage), so it may be called on a configuration any number of times.
 */
export function shareEqualBlocks(routers: readonly RouterConfig[]): void {
  const seen = new Map<string, unknown>();
  for (const router of routers) {
    const own = router as unknown as Record<string, unknown>;
    for (const block of SHARED_BLOCKS) {
      if (own[block] === undefined) continue;
      const key = `${block}:${JSON.stringify(own[block])}`;
      let shared = seen.get(key);
      if (shared === undefined) {
        shared = Object.isFrozen(own[block]) ? own[block] : deepFreeze(structuredClone(own[block]));
        seen.set(key, shared);
      }
      own[block] = shared;
    }
  }
}
