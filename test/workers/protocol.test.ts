import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { staleAfterMs } from '../../src/workers/protocol.js';

const withReports = (...reportMs: number[]) => ({ routers: reportMs.map((report) => ({ intervals: { report } })) }) as unknown as Config;

describe('staleAfterMs', () => {
  it('is 3 × the longest report interval of the worker’s routers', () => {
    expect(staleAfterMs(withReports(10_000, 60_000, 30_000))).toBe(180_000);
    expect(staleAfterMs(withReports(7_000))).toBe(21_000);
  });

  it('is never below 3 × 5 s, also for a worker without routers', () => {
    expect(staleAfterMs(withReports())).toBe(15_000);
    expect(staleAfterMs(withReports(1_000, 2_000))).toBe(15_000);
  });
});
