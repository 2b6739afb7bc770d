/**
 * Moves a single-process state.dir into the cluster's database: the saved state of every
 * configured router (loaded and validated by the file store, whatever its on-disk layout)
 * becomes that router's row. A router the database already has is left as it is and
 * reported, so importing twice changes nothing.
 */
import pg from 'pg';
import { encodeRouterState, type RouterState } from '../state/schema.js';
import { bucketOf } from './buckets.js';
import { IMPORT_STATE, MIGRATION_LOCK, MIGRATIONS } from './sql.js';

export interface ImportResult {
  imported: string[];
  /** Already in the database: kept as they are. */
  skipped: string[];
  /** No saved state in the directory. */
  missing: string[];
  /** State that did not load (refused by the file store, e.g. written by a newer version). */
  unreadable: string[];
}

export async function importStateDir(
  routers: readonly string[],
  url: string,
  load: (router: string) => Promise<RouterState | undefined>,
): Promise<ImportResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'tikprobe-state-import' });
  await client.connect();
  const result: ImportResult = { imported: [], skipped: [], missing: [], unreadable: [] };
  try {
    await client.query('BEGIN');
    await client.query(MIGRATION_LOCK);
    for (const sql of MIGRATIONS) await client.query(sql);
    for (const router of routers) {
      let state: RouterState | undefined;
      try {
        state = await load(router);
      } catch {
        result.unreadable.push(router);
        continue;
      }
      if (!state) {
        result.missing.push(router);
        continue;
      }
      const res = await client.query(IMPORT_STATE, [router, bucketOf(router), JSON.stringify(encodeRouterState(state))]);
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
