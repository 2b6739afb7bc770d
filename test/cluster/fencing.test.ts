/**
 * Fencing: a replica paused (SIGSTOP) past its heartbeat loses its buckets to another; once
 * resumed, its writes are refused by the epoch (even one that skips its own checks) and it
 * stops acting on those routers by itself.
 *
 * No timing is assumed: a write is judged by the tick that issued it (numbered by the writer)
 * against a mark the writer reads in its first turn after the resume, not by when its result
 * line happens to reach this process (a write in flight at SIGSTOP may rightly succeed and be
 * read after the resume), and the test waits for the results it judges.
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
import { until } from './support/replicas.js';

const logger = createLogger({ level: 'silent' });
const pgs = usePostgres();
const ROUTER = 'fenced-router';

/** What the writer printed, by tick: the results of its writes, its mark and when it let go. */
function parse(lines: readonly string[]) {
  const results = new Map<string, string>();
  let mark: number | undefined;
  let left: number | undefined;
  for (const l of lines) {
    const result = /^(\d+) (normal|stale) (ok|refused)$/.exec(l);
    if (result) results.set(`${result[1]} ${result[2]}`, result[3]!);
    const event = /^(mark|left) (\d+)$/.exec(l);
    if (event?.[1] === 'mark') mark ??= Number(event[2]);
    if (event?.[1] === 'left') left ??= Number(event[2]);
  }
  return { results, mark, left };
}

describe('fencing on a real PostgreSQL', () => {
  it('a replica resumed after SIGSTOP has its writes refused and stops acting on its own', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = pgs.server.url;
    const child = spawn(process.execPath, [join(import.meta.dirname, 'support/fenced-writer.mjs'), url, 'paused', ROUTER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
    try {
      await until(() => lines.some((l) => l.endsWith('normal ok')), 15_000, 'the first replica to write');
      child.kill('SIGSTOP');

      const b = new Coordinator({ url, memberId: 'taker', heartbeatMs: 200, deadAfterMs: 1500, logger });
      const storeB = new PgStateStore(url, b, logger);
      await b.start();
      await until(() => b.owned().size === BUCKETS, 20_000, 'the takeover');
      await storeB.save(ROUTER, { version: 1, nezhaBootTimeS: 42 });

      // The mark waits in the pipe: the writer reads it in its first turn after the resume, so
      // every write of a later tick was issued after the resume, whatever was in flight before.
      child.stdin!.write('mark\n');
      child.kill('SIGCONT');
      const settled = () => {
        const { results, mark, left } = parse(lines);
        if (mark === undefined || left === undefined) return false;
        for (let n = mark + 1; n <= left; n++) if (!results.has(`${n} normal`) || !results.has(`${n} stale`)) return false;
        return true;
      };
      await until(settled, 20_000, 'the resumed replica to let go, and its writes until then to settle');
      const { results, mark, left } = parse(lines);
      // It let go by itself (its own session check), at the latest at its next tick after the resume…
      expect(left!).toBeGreaterThan(mark!);
      // …and every write it issued after the resume was refused: by its own check, and by the
      // epoch for the one that skips that check.
      const after = [...results].filter(([key]) => Number(key.split(' ')[0]) > mark!);
      expect(after.filter(([, result]) => result === 'ok')).toEqual([]);
      expect(after.some(([key, result]) => key.endsWith('stale') && result === 'refused')).toBe(true);
      expect(await storeB.load(ROUTER)).toEqual({ version: 1, nezhaBootTimeS: 42 });
      expect(b.owned().has(bucketOf(ROUTER))).toBe(true);
      await b.stop();
      await storeB.close();
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
