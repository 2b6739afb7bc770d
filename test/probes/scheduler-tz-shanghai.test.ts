/** finished_at from a real scheduler run with the process in Asia/Shanghai (UTC+8, no DST). */
import { describe, expect, it } from 'vitest';
import { expectZoneActive, stampsFrom, useTimeZone } from './support/tz-scenario.js';

useTimeZone('Asia/Shanghai');

describe('PingScheduler under TZ=Asia/Shanghai', () => {
  it('stamps results with +08:00 and the probe finish time', async () => {
    const start = Date.UTC(2026, 7, 17, 15, 59, 0, 0); // 23:59:00 local: the second run finishes after midnight
    expectZoneActive({ [start]: -480 });
    expect(await stampsFrom(start, 2)).toEqual(['2026-08-17T23:59:01.234+08:00', '2026-08-18T00:00:01.234+08:00']);
  });
});
