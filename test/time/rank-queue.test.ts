import { seededRng } from '@tikprobe/sim/prng.js';
import { describe, expect, it } from 'vitest';
import { RankQueue } from '../../src/time/rank-queue.js';

function drain<T>(q: RankQueue<T>): T[] {
  const out: T[] = [];
  for (let item = q.pop(); item !== undefined; item = q.pop()) out.push(item);
  return out;
}

describe('RankQueue', () => {
  it('pops the smallest rank first and equal ranks in the order they were pushed', () => {
    const q = new RankQueue<string>();
    q.push('b1', 20);
    q.push('a1', 10);
    q.push('b2', 20);
    q.push('a2', 10);
    q.push('c', 30);
    q.push('a3', 10);
    expect(q.size).toBe(6);
    expect(drain(q)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c']);
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
  });

  it('with one rank for all it is a plain FIFO', () => {
    const q = new RankQueue<number>();
    for (let i = 0; i < 100; i++) q.push(i, 7);
    expect(drain(q)).toEqual([...Array(100).keys()]);
  });

  it('compact keeps only what the test accepts, order unchanged', () => {
    const q = new RankQueue<number>();
    for (let i = 0; i < 50; i++) q.push(i, 50 - (i % 5));
    q.compact((n) => n % 3 !== 0);
    const kept = [...Array(50).keys()].filter((n) => n % 3 !== 0).sort((a, b) => 50 - (a % 5) - (50 - (b % 5)) || a - b);
    expect(q.size).toBe(kept.length);
    expect(drain(q)).toEqual(kept);
  });

  // Against a reference (a stable sort by rank of what is present) under random pushes, pops and compactions.
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`pops exactly what a stable sort by rank would (seed ${seed})`, () => {
      const rng = seededRng(seed);
      const q = new RankQueue<number>();
      let present: { id: number; rank: number; at: number }[] = [];
      let at = 0;
      for (let id = 0; id < 2000; id++) {
        const roll = rng();
        if (roll < 0.55) {
          const rank = Math.floor(rng() * 40);
          q.push(id, rank);
          present.push({ id, rank, at: at++ });
        } else if (roll < 0.95) {
          present.sort((a, b) => a.rank - b.rank || a.at - b.at);
          expect(q.pop()).toBe(present.shift()?.id);
        } else {
          const cut = Math.floor(rng() * 7) + 2;
          q.compact((n) => n % cut !== 0);
          present = present.filter((e) => e.id % cut !== 0);
        }
        expect(q.size).toBe(present.length);
      }
      present.sort((a, b) => a.rank - b.rank || a.at - b.at);
      expect(drain(q)).toEqual(present.map((e) => e.id));
    });
  }
});
