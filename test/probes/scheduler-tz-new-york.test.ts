/** finished_at from a real scheduler run with the process in America/New_York (DST: -04:00 / -05:00). */
import { describe, expect, it } from 'vitest';
import { expectZoneActive, stampsFrom, useTimeZone } from './support/tz-scenario.js';

useTimeZone('America/New_York');

describe('PingScheduler under TZ=America/New_York', () => {
  it('stamps results with -04:00 in summer', async () => {
    const start = Date.UTC(2026, 7, 17, 8, 0, 0, 0);
    expectZoneActive({ [start]: 240 });
    expect(await stampsFrom(start, 1)).toEqual(['2026-08-17T04:00:01.234-04:00']);
  });

  it('follows the DST change between two runs (offset of each run’s own instant)', async () => {
    const start = Date.UTC(2026, 10, 1, 5, 59, 0, 0); // 01:59:00 EDT; 06:00Z is 01:00 EST
    expectZoneActive({ [start]: 240, [start + 61_234]: 300 });
    expect(await stampsFrom(start, 2)).toEqual(['2026-11-01T01:59:01.234-04:00', '2026-11-01T01:00:01.234-05:00']);
  });
});
