/**
 * Router state in the cluster's database: the same document as a state file (validated by
 * the same schema, stored as JSONB), written only while this replica holds the router's
 * bucket at the epoch it took it at.
 */
import type pg from 'pg';
import { pgLib } from './pg-lib.js';
import { encodeEntry } from '../state/document.js';
import { TikprobeError } from '../errors.js';
import type { Logger } from '../log.js';
import { issuePaths, type RouterState, routerStateSchema } from '../state/schema.js';
import { bucketOf } from './buckets.js';
import { LOAD_STATE, SAVE_STATE } from './sql.js';

/** What the state store needs of the coordinator. */
export interface Fence {
  readonly memberId: string;
  epochOf(bucket: number): number | undefined;
}

export class FencedError extends TikprobeError {
  constructor(router: string) {
    super('STATE_IO', `state of ${router} not written: this replica no longer holds its bucket`);
  }
}

export class PgStateStore {
  private readonly pool: pg.Pool;
  writes = 0;
  refused = 0;

  constructor(
    url: string,
    private readonly fence: Fence,
    private readonly logger: Logger,
  ) {
    this.pool = new (pgLib().Pool)({ connectionString: url, max: 4, application_name: `tikprobe-state:${fence.memberId}` });
    this.pool.on('error', (err) => logger.warn({ err: err.message }, 'cluster state connection error'));
  }

  async load(router: string): Promise<RouterState | undefined> {
    const res = await this.pool.query(LOAD_STATE, [router]);
    if (res.rowCount === 0) return undefined;
    const parsed = routerStateSchema.safeParse(res.rows[0].state);
    if (!parsed.success) {
      this.logger.warn({ router, fields: issuePaths(parsed.error) }, 'stored state of this router is invalid; starting fresh');
      return undefined;
    }
    return parsed.data;
  }

  async save(router: string, state: RouterState): Promise<void> {
    // The same encoding as the file store: exact totals as decimal strings, checked to load again.
    const entry = encodeEntry(state);
    if (!entry.ok) throw new TikprobeError('STATE_IO', `refusing to save state for ${router} that would not load again: ${entry.reason}`);
    const bucket = bucketOf(router);
    const epoch = this.fence.epochOf(bucket);
    if (epoch === undefined) {
      this.refused++;
      throw new FencedError(router);
    }
    const res = await this.pool.query(SAVE_STATE, [router, bucket, entry.json, epoch, this.fence.memberId]);
    if (res.rowCount === 0) {
      this.refused++;
      throw new FencedError(router);
    }
    this.writes++;
  }

  /**
   * The batched flush. Each router's write is fenced on its own bucket's epoch; one refused
   * write does not stop the others. A refused write is dropped, not retried at every flush:
   * the router is no longer ours and its new owner continues from the database (said in one
   * line per flush). Any other failure (the database unreachable) rejects, and the flusher
   * keeps the states for its next attempt.
   */
  async saveMany(states: ReadonlyMap<string, RouterState>): Promise<void> {
    const routers = [...states.keys()];
    const results = await Promise.allSettled([...states].map(([router, state]) => this.save(router, state)));
    const refused: string[] = [];
    let failure: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      if (r.reason instanceof FencedError) refused.push(routers[i]!);
      else failure ??= r.reason;
    });
    if (refused.length > 0) {
      this.logger.warn(
        { routers: refused.length, examples: refused.slice(0, 5) },
        'state of routers this replica no longer holds was not written and is dropped: their new owner continues from the database',
      );
    }
    if (failure !== undefined) throw failure;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
