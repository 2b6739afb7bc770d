import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf } from '../../src/cluster/buckets.js';
import { Coordinator } from '../../src/cluster/coordinator.js';
import { FencedError, PgStateStore } from '../../src/cluster/pg-state.js';
import { createLogger } from '../../src/log.js';
import { usePostgres } from './support/pg-suite.js';

const logger = createLogger({ level: 'silent' });
const pgs = usePostgres();

function coordinator(url: string, memberId: string): Coordinator {
  return new Coordinator({ url, memberId, heartbeatMs: 200, deadAfterMs: 1500, logger });
}

async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('cluster coordinator on a real PostgreSQL', () => {
  it('splits the buckets between members, hands over with state, and refuses writes at a stale epoch', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = pgs.server.url;
    const a = coordinator(url, 'a');
    const storeA = new PgStateStore(url, a, logger);
    const takenOverA: boolean[] = [];
    a.onChange(async (_owned, change) => {
      takenOverA.push(change.takenOver);
    });
    await a.start();
    expect(a.owned().size).toBe(BUCKETS);
    // A new database: no bucket had an owner, so the routers start like a cold start.
    expect(takenOverA).toEqual([false]);
    await storeA.save('r1', { version: 1, komari: { uuid: 'u-1', token: 't-1' } });
    const epochBefore = a.epochOf(bucketOf('r1'))!;

    const b = coordinator(url, 'b');
    const storeB = new PgStateStore(url, b, logger);
    const takenOverB: boolean[] = [];
    b.onChange(async (owned, change) => {
      if (owned.size > 0) takenOverB.push(change.takenOver);
    });
    await b.start();
    await until(() => a.owned().size + b.owned().size === BUCKETS && b.owned().size > 300 && a.owned().size > 300);
    expect(a.liveMembers()).toEqual(['a', 'b']);
    // Every bucket b acquired was a's a moment ago: its routers poll at once.
    expect(takenOverB.length).toBeGreaterThan(0);
    expect(takenOverB.every(Boolean)).toBe(true);
    // Whichever holds r1 now reads the registration the first owner wrote.
    const holder = a.owned().has(bucketOf('r1')) ? storeA : storeB;
    expect(await holder.load('r1')).toEqual({ version: 1, komari: { uuid: 'u-1', token: 't-1' } });

    // A write at an epoch that was bumped since is refused by the database itself.
    const moved = [...b.owned()][0]!;
    const router = Array.from({ length: 5000 }, (_, i) => `x${i}`).find((r) => bucketOf(r) === moved)!;
    const stale = new PgStateStore(url, { memberId: 'a', epochOf: () => epochBefore }, logger);
    await expect(stale.save(router, { version: 1 })).rejects.toBeInstanceOf(FencedError);
    await expect(storeA.save(router, { version: 1 })).rejects.toBeInstanceOf(FencedError);
    await storeB.save(router, { version: 1, nezhaBootTimeS: 5 });

    await b.stop();
    await until(() => a.owned().size === BUCKETS);
    expect(await storeA.load(router)).toEqual({ version: 1, nezhaBootTimeS: 5 });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const owners = await db.query('SELECT count(*)::int AS n FROM tikprobe_buckets WHERE owner = $1', ['a']);
    expect(owners.rows[0].n).toBe(BUCKETS);
    await db.end();
    await a.stop();
    await Promise.all([storeA.close(), storeB.close(), stale.close()]);
  }, 30_000);
});
