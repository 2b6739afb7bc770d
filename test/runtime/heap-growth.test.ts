import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, LARGE_FLEET, limitHeapGrowth } from '../../src/heap-growth.js';

describe('heap growth limit', () => {
  it('sets the growth factor for a large fleet when the command line chose none', () => {
    const set: string[] = [];
    expect(limitHeapGrowth(LARGE_FLEET, ['--max-semi-space-size=2'], (f) => set.push(f))).toBe(true);
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it('leaves a smaller fleet to V8 (the gain there is small and costs CPU)', () => {
    const set: string[] = [];
    expect(limitHeapGrowth(LARGE_FLEET - 1, [], (f) => set.push(f))).toBe(false);
    expect(set).toEqual([]);
  });

  it('leaves a factor given on the command line alone, in either spelling', () => {
    for (const given of ['--heap-growing-percent=100', '--heap_growing_percent=30']) {
      const set: string[] = [];
      expect(limitHeapGrowth(LARGE_FLEET, [given], (f) => set.push(f))).toBe(false);
      expect(set).toEqual([]);
    }
  });

  it('is a flag known to the V8 of this Node (V8 ignores an unknown one silently)', () => {
    expect(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })).toContain('--heap-growing-percent');
  });
});
