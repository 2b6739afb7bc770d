import { describe, expect, it } from 'vitest';
import { budgetShare } from '../../src/config/schema-workers.js';
import { shardConfigs, shardRouters, workerCount, workerOf } from '../../src/workers/assign.js';
import { seededRng } from '@tikprobe/sim/prng.js';

const names = (random: () => number, n: number) => Array.from({ length: n }, (_, i) => `r${i}-${Math.floor(random() * 1e9).toString(36)}`);

describe('worker assignment (rendezvous hash of the router name)', () => {
  it('a router keeps its worker whatever other routers are added or removed', () => {
    const random = seededRng(0x3a11);
    for (let round = 0; round < 50; round++) {
      const before = names(random, 200);
      const count = 2 + Math.floor(random() * 7);
      // Remove a random third, add 50 new ones: every router still present stays put.
      const kept = before.filter(() => random() > 0.33);
      const after = [...kept, ...names(random, 50)];
      const a = new Map(shardRouters(before.map((name) => ({ name })), count).flatMap((s, i) => s.map((r) => [r.name, i] as const)));
      const b = new Map(shardRouters(after.map((name) => ({ name })), count).flatMap((s, i) => s.map((r) => [r.name, i] as const)));
      for (const name of kept) expect(b.get(name)).toBe(a.get(name));
    }
  });

  it('spreads routers evenly and one more worker moves only about 1/N of them, all to the new one', () => {
    const all = Array.from({ length: 10_000 }, (_, i) => `router-${i}`);
    for (const count of [2, 4]) {
      const sizes = shardRouters(all.map((name) => ({ name })), count).map((s) => s.length);
      for (const s of sizes) expect(Math.abs(s - all.length / count)).toBeLessThan(all.length * 0.03);
      const moved = all.filter((n) => workerOf(n, count) !== workerOf(n, count + 1));
      expect(moved.every((n) => workerOf(n, count + 1) === count)).toBe(true);
      expect(Math.abs(moved.length - all.length / (count + 1))).toBeLessThan(all.length * 0.03);
    }
  });

  it('workers: auto is the core count, capped; budgets split never below 1', () => {
    expect(workerCount(undefined, 8)).toBe(1);
    expect(workerCount(1, 8)).toBe(1);
    expect(workerCount('auto', 2)).toBe(2);
    expect(workerCount('auto', 64)).toBe(16);
    expect(workerCount(3, 1)).toBe(3);
    expect(budgetShare(8, 2)).toBe(4);
    expect(budgetShare(2, 4)).toBe(1);
    // The request slots a worker gets: together never more than configured, each at least 1.
    const config = { concurrency: 5, routers: [], workers: 2 } as unknown as Parameters<typeof shardConfigs>[0];
    expect(shardConfigs(config, 2).map((s) => s.concurrency)).toEqual([2, 2]);
    expect(shardConfigs({ ...config, concurrency: 1 }, 4)[0]?.concurrency).toBe(1);
    expect(() => workerOf('a', 0)).toThrow(/positive integer/);
  });

  it('shardConfigs gives each worker exactly the routers a per-worker filter would, and a share of the budget', () => {
    const random = seededRng(0x5a4d);
    for (const size of [0, 1, 7, 100, 1_000]) {
      const routers = names(random, size).map((name) => ({ name }));
      const config = { concurrency: 12, routers, workers: 'auto' } as unknown as Parameters<typeof shardConfigs>[0];
      for (const count of [1, 2, 3, 5, 16]) {
        const shares = shardConfigs(config, count);
        expect(shares).toHaveLength(count);
        shares.forEach((share, i) => {
          expect(share).toEqual({ ...config, workers: 1, concurrency: budgetShare(12, count), routers: routers.filter((r) => workerOf(r.name, count) === i) });
          expect(share.routers).toEqual(routers.filter((r) => workerOf(r.name, count) === i));
        });
        // Every router in exactly one share.
        expect(shares.reduce((n, s) => n + s.routers.length, 0)).toBe(size);
      }
    }
  });
});
