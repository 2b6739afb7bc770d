/**
 * Membership and bucket ownership of this replica. One dedicated database session holds
 * the advisory lock of every bucket this replica acts on and carries its heartbeat, so
 * the heartbeat is also the check of that session: when it fails or comes late, the
 * replica stops acting on every bucket at once (the server releases the locks when the
 * session ends). Survivors end the session of a member whose heartbeat is stale, which
 * frees its buckets even while its process is merely paused.
 */
import type pg from 'pg';
import { pgLib } from './pg-lib.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { bucketsOf } from './buckets.js';
import { EVICT, HEARTBEAT, JOIN, MEMBERS, MIGRATION_LOCK, MIGRATIONS, RELEASE, TAKE, TRY_LOCKS, UNLOCK } from './sql.js';

export interface CoordinatorOptions {
  url: string;
  memberId: string;
  heartbeatMs: number;
  deadAfterMs: number;
  logger: Logger;
}

export interface HandoverEvent {
  at: number;
  kind: 'acquired' | 'released' | 'lost';
  buckets: number;
  reason: string;
}

/** Handover events and the buckets they moved, by kind, since this replica started. */
export type HandoverTotals = Record<HandoverEvent['kind'], { events: number; buckets: number }>;

/**
 * Whether this replica may act on its buckets now. `ok`: its session is up and its last
 * heartbeat recent; `late`: the last good heartbeat is so old that its own writes are refused
 * (the next check drops every bucket); `down`: no session (it holds nothing).
 */
export interface FencingView {
  session: 'ok' | 'late' | 'down';
  /** Epoch ms of the last good heartbeat; undefined before the first. */
  lastHeartbeatAt: number | undefined;
  heartbeatMs: number;
  deadAfterMs: number;
}

/** What an ownership change brought. */
export interface OwnershipChange {
  /**
   * Some acquired bucket was acted on within the takeover window by another member, or by this
   * one before its session failed: its routers were being reported a moment ago (a failover or
   * a handover, not a cold start nor a restart).
   */
  takenOver: boolean;
}

/** Told before buckets are released (stop acting, save) and after buckets are acquired. */
export type OwnershipListener = (owned: ReadonlySet<number>, change: OwnershipChange) => Promise<void>;

/** Handover events kept for /status. */
export const RECENT_EVENTS = 20;

const NOTHING_TAKEN: OwnershipChange = { takenOver: false };

/**
 * How recently the previous owner must have acted on a bucket for taking it to be a takeover,
 * counted from its release or, for a member that died holding it, its last heartbeat. A
 * survivor takes a dead member's bucket at the latest deadAfter (until it counts as dead) + a
 * heartbeat (until a survivor's tick sees that) + a heartbeat (when the ended session's locks
 * are free only at the next tick) after that heartbeat, below 2 × deadAfter since the
 * configuration keeps heartbeat < deadAfter / 2; a planned release is taken within about a
 * heartbeat. 2 × deadAfter + heartbeat leaves at least another deadAfter / 2 for a slow tick or
 * a rebalance that waited on the bridge, and stays seconds: a replica started after the last
 * one stopped, or a cluster started cold, spreads its first polls. (A restart under a new
 * member id within the window still counts as a takeover: nothing tells it from a handover.)
 */
function takeoverWindowMs(heartbeatMs: number, deadAfterMs: number): number {
  return 2 * deadAfterMs + heartbeatMs;
}

interface TakenRow {
  bucket: number;
  epoch: string;
  previous: string | null;
  taken_over: boolean;
}

export class Coordinator {
  readonly appName: string;
  /** Buckets held, with the epoch this replica took them at. */
  private readonly held = new Map<number, number>();
  private session: pg.Client | undefined;
  private lastBeatAt = 0;
  private members: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** The rebalance in progress: it may wait on the bridge, so heartbeats do not wait for it. */
  private rebalancing: Promise<void> | undefined;
  private joinedAt = 0;
  private stopped = false;
  /** The buckets the last failed session held, and when it failed: taking them back soon is a takeover. */
  private lost: { at: number; buckets: ReadonlySet<number> } | undefined;
  private listener: OwnershipListener = async () => {};
  /** The last RECENT_EVENTS handover events. */
  readonly events: HandoverEvent[] = [];
  readonly totals: HandoverTotals = { acquired: { events: 0, buckets: 0 }, released: { events: 0, buckets: 0 }, lost: { events: 0, buckets: 0 } };

  constructor(private readonly opts: CoordinatorOptions) {
    this.appName = `tikprobe:${opts.memberId}`;
  }

  get memberId(): string {
    return this.opts.memberId;
  }

  onChange(listener: OwnershipListener): void {
    this.listener = listener;
  }

  /** The epoch this replica holds `bucket` at, while its session is known good. */
  epochOf(bucket: number): number | undefined {
    if (this.late()) return undefined;
    return this.held.get(bucket);
  }

  /** True when the last good heartbeat is so old that the others may already count this replica dead. */
  private late(): boolean {
    return Date.now() - this.lastBeatAt > this.opts.deadAfterMs * 0.8;
  }

  owned(): ReadonlySet<number> {
    return new Set(this.held.keys());
  }

  liveMembers(): readonly string[] {
    return this.members;
  }

  fencing(): FencingView {
    const session = this.session === undefined ? 'down' : this.late() ? 'late' : 'ok';
    return { session, lastHeartbeatAt: this.lastBeatAt || undefined, heartbeatMs: this.opts.heartbeatMs, deadAfterMs: this.opts.deadAfterMs };
  }

  async start(): Promise<void> {
    await this.connect();
    const loop = () => {
      if (this.stopped) return;
      this.ticking = this.tick().finally(() => {
        this.timer = setTimeout(loop, this.opts.heartbeatMs);
      });
    };
    loop();
    await this.ticking;
    // Replicas started together see each other before anyone takes buckets.
    await new Promise((r) => setTimeout(r, 2 * this.opts.heartbeatMs + 50));
    await this.ticking;
    await this.rebalancing;
  }

  /** Planned leave: stop acting on everything, save (through the listener), release, leave. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await this.rebalancing;
    await this.release([...this.held.keys()], 'shutdown');
    await this.session?.query('DELETE FROM tikprobe_members WHERE id = $1', [this.opts.memberId]).catch(() => {});
    await this.session?.end().catch(() => {});
    this.session = undefined;
  }

  private async connect(): Promise<void> {
    const client = new (pgLib().Client)({ connectionString: this.opts.url, application_name: this.appName, statement_timeout: 2 * this.opts.heartbeatMs });
    client.on('error', (err) => this.opts.logger.warn({ err: errorMessage(err) }, 'cluster session error'));
    await client.connect();
    await client.query('BEGIN');
    await client.query(MIGRATION_LOCK);
    for (const sql of MIGRATIONS) await client.query(sql);
    await client.query('COMMIT');
    await client.query(JOIN, [this.opts.memberId]);
    this.session = client;
    this.lastBeatAt = Date.now();
    this.joinedAt = Date.now();
  }

  private async tick(): Promise<void> {
    try {
      if (!this.session) await this.connect();
      await this.beat();
    } catch (err) {
      await this.lose(errorMessage(err));
      return;
    }
    const settled = Date.now() - this.joinedAt >= 2 * this.opts.heartbeatMs;
    if (settled && !this.rebalancing && !this.stopped) {
      this.rebalancing = this.rebalance()
        .catch((err: unknown) => this.lose(errorMessage(err)))
        .finally(() => {
          this.rebalancing = undefined;
        });
    }
  }

  private async beat(): Promise<void> {
    const session = this.session!;
    const late = this.late();
    const res = await session.query(HEARTBEAT, [this.opts.memberId]);
    if (res.rowCount === 0) throw new Error('this replica was declared dead by the others');
    if (late && this.held.size > 0) throw new Error('heartbeat came late (paused process?)');
    this.lastBeatAt = Date.now();
    const rows = (await session.query(MEMBERS, [this.opts.deadAfterMs])).rows as { id: string; pid: number; live: boolean }[];
    for (const dead of rows.filter((r) => !r.live)) {
      await session.query(EVICT, [dead.id, dead.pid, this.opts.deadAfterMs, `tikprobe:${dead.id}`]);
      this.opts.logger.warn({ member: dead.id }, 'cluster member missed its heartbeats; its routers move');
    }
    this.members = rows.filter((r) => r.live).map((r) => r.id);
  }

  private async rebalance(): Promise<void> {
    const desired = bucketsOf(this.opts.memberId, this.members);
    const toRelease = [...this.held.keys()].filter((b) => !desired.has(b));
    if (toRelease.length > 0) await this.release(toRelease, 'rebalance');
    const wanted = [...desired].filter((b) => !this.held.has(b));
    if (wanted.length === 0) return;
    const session = this.session!;
    const got = ((await session.query(TRY_LOCKS, [wanted])).rows as { bucket: number }[]).map((r) => r.bucket);
    if (got.length === 0) return;
    const window = takeoverWindowMs(this.opts.heartbeatMs, this.opts.deadAfterMs);
    const taken = (await session.query(TAKE, [got, this.opts.memberId, window])).rows as TakenRow[];
    for (const row of taken) this.held.set(row.bucket, Number(row.epoch));
    this.record('acquired', taken.length, `members: ${this.members.length}`);
    // The database cannot tell this member's own failed session from a restart; this process can.
    const lost = this.lost !== undefined && Date.now() - this.lost.at <= window ? this.lost.buckets : new Set<number>();
    await this.listener(this.owned(), { takenOver: taken.some((row) => row.taken_over || lost.has(row.bucket)) });
  }

  private async release(buckets: number[], reason: string): Promise<void> {
    if (buckets.length === 0) return;
    const remaining = new Set([...this.held.keys()].filter((b) => !buckets.includes(b)));
    // Stop acting and save while the epoch is still ours; only then let go.
    await this.listener(remaining, NOTHING_TAKEN).catch((err: unknown) => this.opts.logger.warn({ err: errorMessage(err) }, 'handover save failed'));
    for (const b of buckets) this.held.delete(b);
    // Best effort: without the stamp the next owner goes by this member's heartbeat while it is
    // a member, and counts no takeover once it has left.
    await this.session?.query(RELEASE, [buckets, this.opts.memberId]).catch(() => {});
    await this.session?.query(UNLOCK, [buckets]).catch(() => {});
    this.record('released', buckets.length, reason);
  }

  /** The session failed: stop acting on everything now; the server frees the locks. */
  private async lose(reason: string): Promise<void> {
    const count = this.held.size;
    if (count > 0) this.lost = { at: Date.now(), buckets: new Set(this.held.keys()) };
    this.held.clear();
    const session = this.session;
    this.session = undefined;
    await session?.end().catch(() => {});
    if (count > 0) {
      this.record('lost', count, reason);
      this.opts.logger.error({ reason, buckets: count }, 'cluster session lost: stopped acting on every router');
      await this.listener(new Set(), NOTHING_TAKEN).catch(() => {});
    } else {
      this.opts.logger.warn({ reason }, 'cluster session failed; retrying');
    }
  }

  private record(kind: HandoverEvent['kind'], buckets: number, reason: string): void {
    this.events.push({ at: Date.now(), kind, buckets, reason });
    if (this.events.length > RECENT_EVENTS) this.events.shift();
    this.totals[kind].events += 1;
    this.totals[kind].buckets += buckets;
    this.opts.logger.info({ kind, buckets, reason, held: this.held.size }, 'cluster buckets changed');
  }
}
