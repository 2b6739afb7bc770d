import { describe, expect, it } from 'vitest';
import { seededRng } from '@tikprobe/sim/prng.js';
import { BUCKETS, bucketOf, bucketsOf, ownerOf, routersIn } from '../../src/cluster/buckets.js';


/** `runs` random member lists of 1–8 distinct ids like hostnames or pod names. */
function memberLists(runs: number, seed: number): string[][] {
  const rnd = seededRng(seed);
  const lists: string[][] = [];
  for (let i = 0; i < runs; i++) {
    const n = 1 + Math.floor(rnd() * 8);
    const ids = new Set<string>();
    while (ids.size < n) ids.add(`tikprobe-${Math.floor(rnd() * 1e6).toString(36)}`);
    lists.push([...ids]);
  }
  return lists;
}

const PINNED = [926, 222, 435];

describe('buckets', () => {
  it('a router name always maps to the same bucket in range', () => {
    expect(bucketOf('r1')).toBe(bucketOf('r1'));
    // Pinned: the mapping must never change between versions (it decides ownership across a rolling upgrade).
    expect([bucketOf('r1'), bucketOf('core-01'), bucketOf('a')]).toEqual(PINNED);
    for (const name of ['', 'x', 'é', 'router-with-a-long-name-0123456789']) {
      expect(bucketOf(name)).toBeGreaterThanOrEqual(0);
      expect(bucketOf(name)).toBeLessThan(BUCKETS);
    }
  });

  it('spreads routers evenly over buckets', () => {
    const counts = new Array<number>(BUCKETS).fill(0);
    for (let i = 0; i < 102_400; i++) counts[bucketOf(`router-${i}`)]!++;
    expect(Math.max(...counts)).toBeLessThan(160);
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });

  it('every bucket has exactly one owner among the members, whatever their order', () => {
    for (const members of memberLists(30, 1)) {
      const shares = members.map((m) => bucketsOf(m, members));
      expect(shares.reduce((n, s) => n + s.size, 0)).toBe(BUCKETS);
      const reversed = [...members].reverse();
      for (const b of [0, 17, 1023]) expect(ownerOf(b, reversed)).toBe(ownerOf(b, members));
    }
  });

  it('when a member joins, only the buckets it wins move (about 1/N)', () => {
    for (const members of memberLists(40, 2)) {
      const joiner = 'tikprobe-joiner';
      const after = [...members, joiner];
      let moved = 0;
      for (let b = 0; b < BUCKETS; b++) {
        const now = ownerOf(b, after);
        if (ownerOf(b, members) !== now) {
          moved++;
          expect(now).toBe(joiner);
        }
      }
      const expected = BUCKETS / after.length;
      expect(moved).toBeGreaterThan(expected * 0.6);
      expect(moved).toBeLessThan(expected * 1.45);
    }
  });

  it('when a member leaves, only its buckets move', () => {
    for (const members of memberLists(30, 3).filter((m) => m.length >= 2)) {
      const rest = members.slice(1);
      for (let b = 0; b < BUCKETS; b++) {
        const before = ownerOf(b, members);
        if (before !== members[0]) expect(ownerOf(b, rest)).toBe(before);
      }
    }
  });

  it('routersIn keeps the routers of the given buckets', () => {
    const routers = Array.from({ length: 50 }, (_, i) => `r${i}`);
    const mine = bucketsOf('a', ['a', 'b']);
    const theirs = bucketsOf('b', ['a', 'b']);
    expect(routersIn(routers, mine).length + routersIn(routers, theirs).length).toBe(50);
    expect(ownerOf(0, [])).toBeUndefined();
  });
});
