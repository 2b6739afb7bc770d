import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importStateDir } from '../../src/cluster/import.js';
import { PgStateStore } from '../../src/cluster/pg-state.js';
import { createLogger } from '../../src/log.js';
import { createStateStore } from '../../src/state/store.js';
import { usePostgres } from './support/pg-suite.js';

const logger = createLogger({ level: 'silent' });
const pgs = usePostgres();
const dir = mkdtempSync(join(tmpdir(), 'tikprobe-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A router file as an earlier release wrote it: one file per router, totals as JSON numbers. */
function legacyFile(i: number): string {
  return JSON.stringify({
    version: 1,
    traffic: {
      interfaces: { ether1: { id: `*${i}`, rx: `${18_446_744_073_709_551_000n + BigInt(i)}`, tx: '12345' } },
      totalUpBytes: 9_007_199_254_740_000 + i,
      totalDownBytes: 1000 * i,
      lastAtMs: 1_780_000_000_000,
      lastUptimeS: 86_400,
      periodStart: '2026-12-01',
    },
    komari: { uuid: `uuid-${i}`, token: `token-${i}-secret` },
    nezhaBootTimeS: 1_779_000_000 + i,
  });
}

describe('tikprobe state import', () => {
  it('moves every total and registration of a state.dir into the database, and never overwrites on a second run', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    // Files of an earlier release (one per router) and a broken one.
    for (let i = 0; i < 25; i++) writeFileSync(join(dir, `router-${i}.json`), legacyFile(i));
    writeFileSync(join(dir, 'broken.json'), '{"version":1,"traffic":');
    const files = createStateStore(dir, { logger });
    const expected = await Promise.all(Array.from({ length: 25 }, (_, i) => files.load(`router-${i}`)));
    expect(expected[3]?.komari?.token).toBe('token-3-secret');
    expect(expected[3]?.traffic?.totalUpBytes).toBe(9_007_199_254_740_003n);

    const first = await importStateDir(dir, pgs.server.url, files);
    expect(first.imported).toHaveLength(25);
    expect(first.imported).not.toContain('broken');
    expect(first.unreadable).toEqual([]);

    const db = new PgStateStore(pgs.server.url, { memberId: 'reader', epochOf: () => undefined }, logger);
    for (let i = 0; i < 25; i++) expect(await db.load(`router-${i}`)).toEqual(expected[i]);

    await files.save('router-0', { version: 1 });
    const second = await importStateDir(dir, pgs.server.url, files);
    expect(second.imported).toEqual([]);
    expect(second.skipped).toHaveLength(25);
    expect(await db.load('router-0')).toEqual(expected[0]);
    await db.close();
  }, 30_000);
});
