/** Starts one PostgreSQL for a test file, or prints why the file's tests are skipped. */
import { afterAll, beforeAll } from 'vitest';
import { startTestPostgres, type TestPostgres } from './postgres.js';

export interface PgSuite {
  server: TestPostgres | undefined;
}

export function usePostgres(): PgSuite {
  const suite: PgSuite = { server: undefined };
  beforeAll(async () => {
    const started = await startTestPostgres();
    if ('reason' in started) {
      console.warn(`cluster tests SKIPPED: ${started.reason}`);
      return;
    }
    suite.server = started;
  }, 60_000);
  afterAll(() => suite.server?.stop());
  return suite;
}
