/**
 * A state write refused by fencing is dropped, not retried at every flush: the router is no
 * longer this replica's, its new owner continues from the database. Said in one log line.
 */
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf } from '../../src/cluster/buckets.js';
import { Coordinator } from '../../src/cluster/coordinator.js';
import { PgStateStore } from '../../src/cluster/pg-state.js';
import { createLogger } from '../../src/log.js';
import { createStateFlusher } from '../../src/state/flusher.js';
import { bufferLogger } from '../support/log-buffer.js';
import { usePostgres } from './support/pg-suite.js';

const pgs = usePostgres();

/** A router name in a bucket none of `taken` is in. */
function routerApart(prefix: string, taken: readonly string[]): string {
  const used = new Set(taken.map(bucketOf));
  for (let i = 0; ; i++) if (!used.has(bucketOf(`${prefix}-${i}`))) return `${prefix}-${i}`;
}

describe('state writes refused by fencing', () => {
  it('are dropped with one log line, and never retried by later flushes', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = pgs.server.url;
    const holder = new Coordinator({ url, memberId: 'holder', heartbeatMs: 200, deadAfterMs: 1500, logger: createLogger({ level: 'silent' }) });
    await holder.start();
    expect(holder.owned().size).toBe(BUCKETS);
    const ours = 'ours';
    const notHeld = routerApart('not-held', [ours]); // this replica knows it lost the bucket
    const staleEpoch = routerApart('stale', [ours, notHeld]); // it does not know, the database refuses
    // The epochs read once: the fence does not depend on the holder's heartbeats staying on time.
    const epochs = new Map([ours, staleEpoch].map((r) => [bucketOf(r), holder.epochOf(bucketOf(r))!]));
    epochs.set(bucketOf(staleEpoch), epochs.get(bucketOf(staleEpoch))! - 1);
    const fence = { memberId: 'holder', epochOf: (bucket: number) => epochs.get(bucket) };
    const log = bufferLogger();
    const store = new PgStateStore(url, fence, log.logger);
    const flusher = createStateFlusher({ store, intervalMs: 3_600_000, logger: log.logger });
    try {
      for (const router of [ours, notHeld, staleEpoch]) flusher.mark(router, { version: 1, nezhaBootTimeS: 1 });
      await flusher.flush();
      expect(flusher.pending()).toBe(0);
      expect([store.writes, store.refused]).toEqual([1, 2]);
      const dropped = log.lines().filter((l) => String(l.msg).includes('no longer holds'));
      expect(dropped).toHaveLength(1);
      expect(dropped[0]).toMatchObject({ routers: 2 });
      expect(dropped[0]!.examples).toEqual(expect.arrayContaining([notHeld, staleEpoch]));
      expect(await store.load(ours)).toEqual({ version: 1, nezhaBootTimeS: 1 });
      expect(await store.load(staleEpoch)).toBeUndefined();

      // Later flushes write what is still ours and never try the dropped routers again.
      for (let i = 2; i <= 4; i++) {
        flusher.mark(ours, { version: 1, nezhaBootTimeS: i });
        await flusher.flush();
      }
      expect([store.writes, store.refused]).toEqual([4, 2]);
      expect(log.lines().filter((l) => String(l.msg).includes('no longer holds'))).toHaveLength(1);
      expect(log.lines().filter((l) => l.level === 40 || l.level === 50)).toHaveLength(1);
    } finally {
      flusher.stop();
      await store.close();
      await holder.stop();
    }
  }, 30_000);
});
