/**
 * Which replica acts on which router. Pure: no I/O.
 *
 * A router belongs to one of BUCKETS buckets by a stable hash of its name (the same in
 * every replica and every version). A bucket belongs to the live member with the highest
 * rendezvous score for (member, bucket): when a member joins or leaves, only the buckets
 * it wins or held move, about 1/N of them.
 */

export const BUCKETS = 1024;

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The murmur3 finalizer: spreads close inputs (bucket 1, 2, 3…) over the whole range. */
function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The bucket of a router name, 0 … BUCKETS-1. */
export function bucketOf(router: string): number {
  return mix(fnv1a(router)) % BUCKETS;
}

/** The rendezvous score of a member for a bucket. */
function score(member: string, bucket: number): number {
  return mix(fnv1a(member) ^ mix(bucket + 0x9e3779b9));
}

/** The member that owns `bucket` among `members`; undefined when there is none. Ties go to the smaller id. */
export function ownerOf(bucket: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const s = score(m, bucket);
    if (s > bestScore || (s === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = s;
    }
  }
  return best;
}

/** The buckets `me` owns among `members` (which should include `me`). */
export function bucketsOf(me: string, members: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (let b = 0; b < BUCKETS; b++) if (ownerOf(b, members) === me) out.add(b);
  return out;
}

/** The routers among `routers` whose bucket is in `buckets`. */
export function routersIn(routers: readonly string[], buckets: ReadonlySet<number>): string[] {
  return routers.filter((r) => buckets.has(bucketOf(r)));
}
