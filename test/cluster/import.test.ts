import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importStateDir } from '../../src/cluster/import.js';
import { PgStateStore } from '../../src/cluster/pg-state.js';
import { createLogger } from '../../src/log.js';
import type { RouterState } from '../../src/state/schema.js';
import { createStateStore } from '../../src/state/store.js';
import { usePostgres } from './support/pg-suite.js';

const logger = createLogger({ level: 'silent' });
const pgs = usePostgres();
const dir = mkdtempSync(join(tmpdir(), 'tikprobe-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function state(i: number): RouterState {
  return {
    version: 1,
    traffic: {
      interfaces: { ether1: { id: `*${i}`, rx: `${18_446_744_073_709_551_000n + BigInt(i)}`, tx: '12345' } },
      totalUpBytes: 9_223_372_036_854_775_000n + BigInt(i),
      totalDownBytes: 1000n * BigInt(i),
      lastAtMs: 1_780_000_000_000,
      lastUptimeS: 86_400,
      periodStart: '2026-12-01',
    },
    komari: { uuid: `uuid-${i}`, token: `token-${i}-secret` },
    nezhaBootTimeS: 1_779_000_000 + i,
  };
}

describe('tikprobe state import', () => {
  it('moves every total and registration of a state.dir into the database, and never overwrites on a second run', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const files = createStateStore(dir);
    for (let i = 0; i < 25; i++) await files.save(`router-${i}`, state(i));
    const routers = [...Array.from({ length: 25 }, (_, i) => `router-${i}`), 'never-polled'];

    const first = await importStateDir(routers, pgs.server.url, (r) => files.load(r));
    expect(first.imported).toHaveLength(25);
    expect(first.missing).toEqual(['never-polled']);
    const failing = await importStateDir(['router-1'], pgs.server.url, () => Promise.reject(new Error('newer version')));
    expect(failing.unreadable).toEqual(['router-1']);

    const db = new PgStateStore(pgs.server.url, { memberId: 'reader', epochOf: () => undefined }, logger);
    for (let i = 0; i < 25; i++) expect(await db.load(`router-${i}`)).toEqual(state(i));

    await files.save('router-0', { version: 1 });
    const second = await importStateDir(routers, pgs.server.url, (r) => files.load(r));
    expect(second.imported).toEqual([]);
    expect(second.skipped).toHaveLength(25);
    expect(await db.load('router-0')).toEqual(state(0));
    await db.close();
  }, 30_000);
});
