/**
 * Which replica acts on which router. Pure: no I/O.
 *
 * A router belongs to one of BUCKETS buckets by a stable hash of its name (the same in
 * every replica and every version). A bucket belongs to the live member with the highest
 * rendezvous score for (member, bucket): when a member joins or leaves, only the buckets
 * it wins or held move, about 1/N of them.
 */
import { fnv1a, mix } from '../hash.js';

export const BUCKETS = 1024;

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
