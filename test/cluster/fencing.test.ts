/**
 * Fencing: a replica paused (SIGSTOP) past its heartbeat loses its buckets to another; once
 * resumed, its writes are refused by the epoch (even one that skips its own checks) and it
 * stops acting on those routers by itself.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf } from '../../src/cluster/buckets.js';
import { Coordinator } from '../../src/cluster/coordinator.js';
import { PgStateStore } from '../../src/cluster/pg-state.js';
import { createLogger } from '../../src/log.js';
import { usePostgres } from './support/pg-suite.js';
import { sleep, until } from './support/replicas.js';

const logger = createLogger({ level: 'silent' });
const pgs = usePostgres();
const ROUTER = 'fenced-router';

describe('fencing on a real PostgreSQL', () => {
  it('a replica resumed after SIGSTOP has its writes refused and stops acting on its own', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = pgs.server.url;
    const child = spawn(process.execPath, [join(import.meta.dirname, 'support/fenced-writer.mjs'), url, 'paused', ROUTER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let resumed = false;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(l);
      // Once it has let go, end it at once: a live replica would rightly rejoin and own buckets again.
      if (resumed && l === 'owned 0') child.kill('SIGKILL');
    });
    try {
      await until(() => lines.some((l) => l.endsWith('normal ok')), 15_000, 'the first replica to write');
      child.kill('SIGSTOP');
      const pausedAt = lines.length;

      const b = new Coordinator({ url, memberId: 'taker', heartbeatMs: 200, deadAfterMs: 1500, logger });
      const storeB = new PgStateStore(url, b, logger);
      await b.start();
      await until(() => b.owned().size === BUCKETS, 10_000, 'the takeover');
      await storeB.save(ROUTER, { version: 1, nezhaBootTimeS: 42 });

      resumed = true;
      child.kill('SIGCONT');
      await until(() => lines.slice(pausedAt).includes('owned 0'), 5000, 'the resumed replica to let go');
      const after = lines.slice(pausedAt, lines.indexOf('owned 0', pausedAt) + 1);
      // Every write after the resume is refused: by its own check, and by the epoch for one that skips it.
      expect(after.filter((l) => / (normal|stale) ok$/.test(l))).toEqual([]);
      expect(after.some((l) => l.endsWith('stale refused'))).toBe(true);
      expect(after.filter((l) => l.startsWith('owned ')).at(-1)).toBe('owned 0');
      expect(await storeB.load(ROUTER)).toEqual({ version: 1, nezhaBootTimeS: 42 });
      expect(b.owned().has(bucketOf(ROUTER))).toBe(true);
      await b.stop();
      await storeB.close();
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});
