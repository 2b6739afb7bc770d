/**
 * Moves a single-process state.dir into the cluster's database: every router the directory
 * holds (its state document, and files of earlier releases), read and validated by the same
 * store the daemon uses, becomes that router's row. A router the database already has is
 * left as it is and reported, so importing twice changes nothing. Files that do not load are
 * moved aside by the store (never imported, never deleted).
 */
import { pgLib } from './pg-lib.js';
import { encodeEntry } from '../state/document.js';
import type { RouterState } from '../state/schema.js';
import { bucketOf } from './buckets.js';
import { IMPORT_STATE, MIGRATION_LOCK, MIGRATIONS } from './sql.js';

export interface ImportResult {
  imported: string[];
  /** Already in the database: kept as they are. */
  skipped: string[];
  /** Routers whose state could not be read or encoded again. */
  unreadable: string[];
}

/** The most routers one import moves; beyond it the import stops with an error. */
export const MAX_IMPORT_ROUTERS = 100_000;

/** The single-process store being imported from (createStateStore on the state.dir). */
export interface ImportSource {
  routers(): Promise<string[]>;
  load(router: string): Promise<RouterState | undefined>;
}

export async function importStateDir(dir: string, url: string, source: ImportSource): Promise<ImportResult> {
  const routers = await source.routers();
  if (routers.length > MAX_IMPORT_ROUTERS) throw new Error(`${dir} holds ${routers.length} routers; at most ${MAX_IMPORT_ROUTERS} are imported at once`);
  const client = new (pgLib().Client)({ connectionString: url, application_name: 'tikprobe-state-import' });
  await client.connect();
  const result: ImportResult = { imported: [], skipped: [], unreadable: [] };
  try {
    await client.query('BEGIN');
    await client.query(MIGRATION_LOCK);
    for (const sql of MIGRATIONS) await client.query(sql);
    for (const router of routers) {
      const state = await source.load(router).catch(() => undefined);
      const entry = state === undefined ? undefined : encodeEntry(state);
      if (entry === undefined || !entry.ok) {
        result.unreadable.push(router);
        continue;
      }
      const res = await client.query(IMPORT_STATE, [router, bucketOf(router), entry.json]);
      (res.rowCount === 1 ? result.imported : result.skipped).push(router);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
  return result;
}
