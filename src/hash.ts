/** Small stable hashes for placing routers (cluster buckets, worker threads). Pure; the results must never change between versions. */

/** FNV-1a, 32 bits, over the UTF-16 code units of `text` (router names are ASCII). */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The murmur3 finaliser: spreads close inputs (bucket 1, 2, 3…) over the whole range. */
export function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
