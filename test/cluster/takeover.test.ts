/**
 * Whether acquired buckets count as taken over (first polls at once) or as a start (first polls
 * spread over the interval): taken over only when another member acted on them a moment ago.
 * "Long ago" is made by moving the database's timestamps an hour back, not by waiting. Killed
 * members run the built coordinator (support/member.mjs): `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { BUCKETS } from '../../src/cluster/buckets.js';
import { Coordinator } from '../../src/cluster/coordinator.js';
import { LOCK_NAMESPACE } from '../../src/cluster/sql.js';
import { createLogger } from '../../src/log.js';
import { usePostgres } from './support/pg-suite.js';
import { sleep, until } from './support/replicas.js';

const logger = createLogger({ level: 'silent' });
const pgs = usePostgres();
const MEMBER = join(import.meta.dirname, 'support/member.mjs');
const running: Coordinator[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

async function query(url: string, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(text, params)).rows;
  } finally {
    await db.end();
  }
}

let databases = 0;
/** A database of its own for each test: no member, no bucket ever owned. */
async function freshDatabase(): Promise<string> {
  const name = `takeover_${++databases}`;
  await query(pgs.server!.url, `CREATE DATABASE ${name}`);
  const url = new URL(pgs.server!.url);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Member {
  coordinator: Coordinator;
  /** `takenOver` of each acquisition, in order. */
  acquisitions: boolean[];
}

function member(url: string, id: string): Member {
  const coordinator = new Coordinator({ url, memberId: id, heartbeatMs: 200, deadAfterMs: 1500, logger });
  const acquisitions: boolean[] = [];
  let size = 0;
  coordinator.onChange(async (owned, change) => {
    if (owned.size > size) acquisitions.push(change.takenOver);
    size = owned.size;
  });
  running.push(coordinator);
  return { coordinator, acquisitions };
}

async function started(url: string, id: string): Promise<Member> {
  const m = member(url, id);
  await m.coordinator.start();
  return m;
}

/**
 * A member in a process of its own, killed with SIGKILL once `ready` says so: it releases
 * nothing. Returns once the server has ended its session (and so freed its locks).
 */
async function killedMember(url: string, id: string, ready: (held: number) => boolean): Promise<void> {
  const child = spawn(process.execPath, [MEMBER, url, id], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((done) => child.once('exit', done));
  let held = 0;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    held = Number(/^held (\d+)$/.exec(line)?.[1] ?? held);
  });
  try {
    await until(() => ready(held), 15_000, `member ${id} to hold its buckets`);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const sessions = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`;
  while ((await query(url, sessions, [`tikprobe:${id}`]))[0]!.n !== 0) await sleep(50);
}

/** Moves a member's last heartbeat an hour back, as if it had died then. */
const diedLongAgo = (url: string, id: string) => query(url, `UPDATE tikprobe_members SET heartbeat_at = heartbeat_at - interval '1 hour' WHERE id = $1`, [id]);

describe('takeover or start, on a real PostgreSQL', () => {
  it('a replica started long after the last one stopped spreads its first polls', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = await freshDatabase();
    const a = await started(url, 'a');
    expect(a.coordinator.owned().size).toBe(BUCKETS);
    await a.coordinator.stop();
    await query(url, `UPDATE tikprobe_buckets SET released_at = released_at - interval '1 hour'`);

    const b = await started(url, 'b');
    expect(b.coordinator.owned().size).toBe(BUCKETS);
    // The buckets had an owner, but it let go of them an hour ago.
    expect(b.acquisitions).toEqual([false]);
  }, 30_000);

  it('buckets handed over by a live or a leaving replica are taken over, and a shutdown stamps its release', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = await freshDatabase();
    const a = await started(url, 'a');
    expect(a.acquisitions).toEqual([false]); // a new database: a cold start
    const b = await started(url, 'b');
    await until(() => b.coordinator.owned().size > 0 && a.coordinator.owned().size + b.coordinator.owned().size === BUCKETS, 10_000, 'the rebalance');
    await a.coordinator.stop();
    await until(() => b.coordinator.owned().size === BUCKETS, 10_000, 'the handover of the rest');
    // Released by a on rebalance, then at its shutdown: both a moment ago.
    expect(b.acquisitions).toEqual([true, true]);

    await b.coordinator.stop();
    const [stamps] = await query(
      url,
      `SELECT count(*) FILTER (WHERE owner = 'b' AND released_at > now() - interval '5 seconds' AND released_at <= now())::int AS stamped FROM tikprobe_buckets`,
    );
    expect(stamps).toEqual({ stamped: BUCKETS });
    const c = await started(url, 'c');
    expect(c.acquisitions).toEqual([true]);
  }, 30_000);

  it('a killed member is taken over by a survivor while its death is fresh, not once its last heartbeat is long past', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = await freshDatabase();
    const b = await started(url, 'b');
    await killedMember(url, 'x', (held) => held > 0 && held + b.coordinator.owned().size === BUCKETS);
    await until(() => b.coordinator.owned().size === BUCKETS, 10_000, 'the survivor to take the dead member’s buckets');
    expect(b.acquisitions).toEqual([false, true]);

    // A cluster started cold: its only member was killed an hour ago, and is found dead now.
    const cold = await freshDatabase();
    await killedMember(cold, 'x', (held) => held === BUCKETS);
    await diedLongAgo(cold, 'x');
    const c = await started(cold, 'c');
    expect(c.coordinator.owned().size).toBe(BUCKETS);
    expect(c.acquisitions).toEqual([false]);
  }, 30_000);

  it('a member back under its id long after its death does not make its old buckets look fresh to others', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = await freshDatabase();
    await killedMember(url, 'a', (held) => held === BUCKETS);
    await diedLongAgo(url, 'a');
    // Every bucket locked here, so the two members below both join before either takes one.
    const locks = new pg.Client({ connectionString: url });
    await locks.connect();
    const lockAll = `SELECT bool_and(pg_try_advisory_lock(${LOCK_NAMESPACE}, b)) AS all FROM generate_series(0, ${BUCKETS - 1}) b`;
    try {
      expect((await locks.query(lockAll)).rows[0].all).toBe(true);
      const a = member(url, 'a');
      const aStarted = a.coordinator.start();
      await until(() => a.coordinator.fencing().session === 'ok', 10_000, 'a to rejoin');
      // Its new session holds nothing: its old buckets are stamped with its old last heartbeat.
      const [old] = await query(url, `SELECT count(*) FILTER (WHERE owner = 'a' AND released_at < now() - interval '30 minutes')::int AS n FROM tikprobe_buckets`);
      expect(old).toEqual({ n: BUCKETS });
      const b = member(url, 'b');
      await Promise.all([aStarted, b.coordinator.start()]);
      await until(() => a.coordinator.liveMembers().length === 2 && b.coordinator.liveMembers().length === 2, 10_000, 'a and b to see each other');
      await locks.end();
      await until(() => a.coordinator.owned().size + b.coordinator.owned().size === BUCKETS, 10_000, 'a and b to take the buckets');
      expect(b.coordinator.owned().size).toBeGreaterThan(0);
      expect([a.acquisitions, b.acquisitions]).toEqual([[false], [false]]);
    } finally {
      await locks.end().catch(() => {});
    }
  }, 30_000);

  it('the same member id restarting at once is not a takeover from itself, after a stop or a kill', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = await freshDatabase();
    const first = await started(url, 'a');
    await first.coordinator.stop();
    const second = await started(url, 'a');
    expect(second.coordinator.owned().size).toBe(BUCKETS);
    expect(second.acquisitions).toEqual([false]);
    await second.coordinator.stop();

    await killedMember(url, 'a', (held) => held === BUCKETS);
    const third = await started(url, 'a');
    await until(() => third.coordinator.owned().size === BUCKETS, 10_000, 'the restarted member to take its buckets');
    expect(third.acquisitions).toEqual([false]);
  }, 30_000);

  it('a replica whose session failed takes its buckets back as a takeover', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = await freshDatabase();
    const a = await started(url, 'a');
    await query(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tikprobe:a'`);
    const back = () => a.coordinator.totals.lost.events === 1 && a.coordinator.owned().size === BUCKETS;
    await until(back, 10_000, 'a to lose its buckets and take them back');
    expect(a.acquisitions).toEqual([false, true]);
  }, 30_000);

  it('a database from before released_at gets the column; a release it did not stamp is not a takeover', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const url = await freshDatabase();
    const a = await started(url, 'a');
    await a.coordinator.stop();
    await query(url, 'ALTER TABLE tikprobe_buckets DROP COLUMN released_at');
    const b = await started(url, 'b');
    expect(b.coordinator.owned().size).toBe(BUCKETS);
    expect(b.acquisitions).toEqual([false]);
    const [held] = await query(url, `SELECT count(*) FILTER (WHERE owner = 'b' AND released_at IS NULL)::int AS n FROM tikprobe_buckets`);
    expect(held).toEqual({ n: BUCKETS });
  }, 30_000);
});
