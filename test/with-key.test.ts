import { seededRng } from '@tikprobe/sim/prng.js';
import { describe, expect, it } from 'vitest';
import { withKey } from '../src/with-key.js';

describe('withKey', () => {
  it('is the spread with one more key: same values, same key order (a new key last, a present one in its place), the source untouched', () => {
    const rng = seededRng(3);
    for (let i = 0; i < 500; i++) {
      const labels: Record<string, string> = {};
      const n = Math.floor(rng() * 6);
      for (let j = 0; j < n; j++) labels[`k${Math.floor(rng() * 8)}`] = String(rng());
      const before = { ...labels };
      const key = `k${Math.floor(rng() * 10)}`;
      const got = withKey(labels, key, 'v');
      const spread = { ...labels, [key]: 'v' };
      expect(got).toEqual(spread);
      expect(Object.keys(got)).toEqual(Object.keys(spread));
      expect(labels).toEqual(before);
    }
  });
});
