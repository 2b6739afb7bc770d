/**
 * A package loaded on first use instead of at start: the gRPC stack and the PostgreSQL
 * client cost about 8 MB of RSS and 3 MB of heap that a Komari-only, single-process
 * bridge (the Raspberry Pi case) never needs. Both are CommonJS packages, so a synchronous
 * `require` keeps their callers synchronous.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter that loads `id` the first time it is called and returns the same module after. */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(id) as T;
    return loaded;
  };
}
