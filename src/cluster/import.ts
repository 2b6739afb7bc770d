/**
 * Moves a single-process state.dir into the cluster's database: every router file that
 * loads (validated like the daemon validates it) becomes that router's row. A router the
 * database already has is left as it is and reported, so importing twice changes nothing.
 */
import { readdir } from 'node:fs/promises';
import pg from 'pg';
import type { RouterState } from '../state/schema.js';
import { bucketOf } from './buckets.js';
import { IMPORT_STATE, MIGRATION_LOCK, MIGRATIONS } from './sql.js';

export interface ImportResult {
  imported: string[];
  /** Already in the database: kept as they are. */
  skipped: string[];
  /** Files that did not load (moved aside by the loader, or from a newer version). */
  unreadable: string[];
}

/** The most router files one import reads; beyond it the import stops with an error. */
export const MAX_IMPORT_FILES = 100_000;

export async function importStateDir(
  dir: string,
  url: string,
  load: (router: string) => Promise<RouterState | undefined>,
): Promise<ImportResult> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  if (files.length > MAX_IMPORT_FILES) throw new Error(`${dir} holds ${files.length} state files; at most ${MAX_IMPORT_FILES} are imported at once`);
  const client = new pg.Client({ connectionString: url, application_name: 'tikprobe-state-import' });
  await client.connect();
  const result: ImportResult = { imported: [], skipped: [], unreadable: [] };
  try {
    await client.query('BEGIN');
    await client.query(MIGRATION_LOCK);
    for (const sql of MIGRATIONS) await client.query(sql);
    for (const router of files.map((f) => f.slice(0, -'.json'.length)).sort()) {
      const state = await load(router).catch(() => undefined);
      if (!state) {
        result.unreadable.push(router);
        continue;
      }
      const res = await client.query(IMPORT_STATE, [router, bucketOf(router), JSON.stringify(state)]);
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
