import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowingPercent, LARGE_FLEET, limitHeapGrowth, SMALL_FLEET, SMALL_FLEET_GROWING_PERCENT } from '../../src/heap-growth.js';

describe('heap growth limit', () => {
  it('sets the growth factor for a large fleet when the command line chose none', () => {
    const set: string[] = [];
    expect(limitHeapGrowth(LARGE_FLEET, ['--max-semi-space-size=2'], (f) => set.push(f))).toBe(HEAP_GROWING_PERCENT);
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it('gives a small fleet less headroom (its full collections are cheap), a large one more, a straight line between', () => {
    const set: string[] = [];
    expect(limitHeapGrowth(SMALL_FLEET, [], (f) => set.push(f))).toBe(SMALL_FLEET_GROWING_PERCENT);
    expect(set).toEqual([`--heap-growing-percent=${SMALL_FLEET_GROWING_PERCENT}`]);
    for (const routers of [0, 1, 500, SMALL_FLEET]) expect(heapGrowingPercent(routers)).toBe(SMALL_FLEET_GROWING_PERCENT);
    for (const routers of [LARGE_FLEET, 5000, 100_000]) expect(heapGrowingPercent(routers)).toBe(HEAP_GROWING_PERCENT);
    expect([1250, 1500, 1900].map(heapGrowingPercent)).toEqual([38, 45, 57]);
    let previous = 0;
    for (let routers = 0; routers <= LARGE_FLEET + 10; routers += 7) {
      const percent = heapGrowingPercent(routers);
      expect(percent).toBeGreaterThanOrEqual(previous);
      expect(Number.isInteger(percent)).toBe(true);
      previous = percent;
    }
  });

  it('leaves a factor given on the command line alone, in either spelling', () => {
    for (const given of ['--heap-growing-percent=100', '--heap_growing_percent=30']) {
      const set: string[] = [];
      expect(limitHeapGrowth(LARGE_FLEET, [given], (f) => set.push(f))).toBeUndefined();
      expect(set).toEqual([]);
    }
  });

  it('is a flag known to the V8 of this Node (V8 ignores an unknown one silently)', () => {
    expect(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })).toContain('--heap-growing-percent');
  });
});
