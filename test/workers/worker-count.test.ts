import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { MAX_WORKERS } from '../../src/config/schema-workers.js';
import { workerCount } from '../../src/workers/assign.js';
import { workersWanted } from '../../src/workers/start.js';
import { bufferLogger } from '../support/log-buffer.js';

describe('the worker count', () => {
  it('workers: auto is one per CPU, at least 1 and at most MAX_WORKERS', () => {
    expect(workerCount('auto', 1)).toBe(1);
    expect(workerCount('auto', 2)).toBe(2);
    expect(workerCount('auto', 64)).toBe(MAX_WORKERS);
    expect(workerCount('auto', 0)).toBe(1);
  });

  it('an explicit count stands whatever the CPU count, capped at MAX_WORKERS', () => {
    for (const cores of [1, 2, 64]) {
      expect(workerCount(1, cores)).toBe(1);
      expect(workerCount(5, cores)).toBe(5);
      expect(workerCount(16, cores)).toBe(16);
      expect(workerCount(40, cores)).toBe(MAX_WORKERS);
    }
    expect(workerCount(undefined, 64)).toBe(1);
  });

  it('workersWanted uses the count, but one thread and a warning in cluster mode', () => {
    const log = bufferLogger();
    const config = (over: Partial<Config>) => ({ workers: 'auto', ...over }) as Config;
    expect(workersWanted(config({}), log.logger, 4)).toBe(4);
    expect(workersWanted(config({ workers: 3 }), log.logger, 1)).toBe(3);
    expect(log.lines()).toEqual([]);
    expect(workersWanted(config({ cluster: {} as Config['cluster'] }), log.logger, 4)).toBe(1);
    expect(log.lines()).toMatchObject([{ level: 40, workers: 'auto', msg: expect.stringContaining('not used in cluster mode') }]);
    // One thread asked for: nothing to warn about.
    expect(workersWanted(config({ workers: 1, cluster: {} as Config['cluster'] }), log.logger, 4)).toBe(1);
    expect(log.lines()).toHaveLength(1);
  });
});
