import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TikprobeError } from '../../src/errors.js';
import { createStateStore, DOCUMENT_FILE, type RouterState } from '../../src/state/store.js';
import { bufferLogger } from '../support/log-buffer.js';
import { tempDir } from './support/temp-dir.js';

const TOKEN = 'kmr-secret-token-5f1d2c';

function sample(n = 1): RouterState {
  return {
    version: 1,
    traffic: {
      interfaces: { ether1: { id: '*1', rx: '18446744073709551615', tx: String(n) } },
      totalUpBytes: BigInt(n * 10),
      totalDownBytes: 2n ** 62n + BigInt(n),
      lastAtMs: 1_715_000_000_000 + n,
      lastUptimeS: 3_600 + n,
      periodStart: '2024-05-01',
    },
    komari: { uuid: 'c0ffee', token: TOKEN },
  };
}

async function rejection(p: Promise<unknown>): Promise<TikprobeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TikprobeError);
  return err as TikprobeError;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

describe('state document', () => {
  it('returns undefined for an unknown router, even before the directory exists', async () => {
    expect(await createStateStore(join(dir, 'not-yet')).load('home-gw')).toBeUndefined();
  });

  it('saves every router in one file (0600, directory 0700) and loads them exactly, totals beyond 2^53 included', async () => {
    const stateDir = join(dir, 'a', 'state');
    const store = createStateStore(stateDir);
    await store.saveMany(new Map([['r1', sample(1)], ['r2', sample(2)]]));
    expect(await readdir(stateDir)).toEqual([DOCUMENT_FILE]);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir, DOCUMENT_FILE))).mode & 0o777).toBe(0o600);
    const fresh = createStateStore(stateDir);
    expect(await fresh.load('r1')).toEqual(sample(1));
    expect(await fresh.load('r2')).toEqual(sample(2));
    expect(await readFile(join(stateDir, DOCUMENT_FILE), 'utf8')).toContain(`"totalDownBytes":"${2n ** 62n + 2n}"`);
  });

  it('keeps the previous generation beside the current one', async () => {
    const store = createStateStore(dir);
    await store.save('r1', sample(1));
    await store.save('r1', sample(2));
    expect((await readdir(dir)).sort()).toEqual([DOCUMENT_FILE, `${DOCUMENT_FILE}.prev`]);
    const prev = JSON.parse(await readFile(join(dir, `${DOCUMENT_FILE}.prev`), 'utf8')) as { routers: { r1: { traffic: { totalUpBytes: string } } } };
    expect(prev.routers.r1.traffic.totalUpBytes).toBe('10');
  });

  it('coalesces saves made while a write is in flight into one more write, and resolves every caller', async () => {
    const store = createStateStore(dir);
    await Promise.all([store.save('a', sample(1)), store.save('b', sample(2)), store.save('a', sample(3))]);
    const fresh = createStateStore(dir);
    expect(await fresh.load('a')).toEqual(sample(3));
    expect(await fresh.load('b')).toEqual(sample(2));
  });

  for (const [what, text] of [
    ['truncated', '{"version":2,"routers":{"r1":{"version":1,'],
    ['garbage', '\u0000\u0001 not json'],
    ['of the wrong shape', '{"version":2,"routers":{"r1":{"version":1,"traffic":{"totalUpBytes":"x"}}}}'],
    ['empty', ''],
  ] as const) {
    it(`falls back to the previous generation when the current file is ${what}, keeping the bad file`, async () => {
      const store = createStateStore(dir);
      await store.save('r1', sample(1));
      await store.save('r1', sample(2));
      await writeFile(join(dir, DOCUMENT_FILE), text);
      const log = bufferLogger();
      const loaded = await createStateStore(dir, { logger: log.logger, now: () => 42 }).load('r1');
      expect(loaded).toEqual(sample(1));
      expect(await readdir(dir)).toContain(`${DOCUMENT_FILE}.corrupt-42`);
      expect(log.text()).toContain('previous generation');
      expect(log.text()).not.toContain(TOKEN);
    });
  }

  it('starts a router afresh with a warning only when both generations are bad, and keeps both files', async () => {
    await writeFile(join(dir, DOCUMENT_FILE), '{');
    await writeFile(join(dir, `${DOCUMENT_FILE}.prev`), '{"version":2,"routers":{"r1":{"version":1,"komari":{"uuid":"","token":""}}}}');
    const log = bufferLogger();
    let t = 100;
    const store = createStateStore(dir, { logger: log.logger, now: () => t++ });
    expect(await store.load('r1')).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual([`${DOCUMENT_FILE}.corrupt-100`, `${DOCUMENT_FILE}.prev.corrupt-101`]);
    expect(log.text()).toContain('new baseline');
  });

  it('loads a state directory of the earlier per-router files (totals as numbers), and renames them after the first write', async () => {
    const v1 = {
      version: 1,
      traffic: { interfaces: { ether1: { id: '*1', rx: '5', tx: '6' } }, totalUpBytes: 3_092_251, totalDownBytes: 23_940_000, lastAtMs: 1, lastUptimeS: 2, periodStart: '2024-05-01' },
      komari: { uuid: 'u-1', token: TOKEN },
    };
    await writeFile(join(dir, 'home-gw.json'), JSON.stringify(v1));
    const store = createStateStore(dir);
    const loaded = await store.load('home-gw');
    expect(loaded?.traffic?.totalUpBytes).toBe(3_092_251n);
    expect(loaded?.traffic?.totalDownBytes).toBe(23_940_000n);
    expect(loaded?.komari).toEqual({ uuid: 'u-1', token: TOKEN });
    await store.save('other', sample(1));
    expect((await readdir(dir)).sort()).toEqual(['home-gw.json.migrated', DOCUMENT_FILE]);
    const again = createStateStore(dir);
    expect((await again.load('home-gw'))?.komari).toEqual({ uuid: 'u-1', token: TOKEN });
    expect((await again.load('home-gw'))?.traffic?.totalDownBytes).toBe(23_940_000n);
  });

  it('refuses a total that could not be sent (at or above 2^63) as a wrong shape', async () => {
    await writeFile(join(dir, DOCUMENT_FILE), JSON.stringify({ version: 2, routers: { r1: { ...JSON.parse(JSON.stringify({ version: 1 })), traffic: { interfaces: {}, totalUpBytes: '18446744073754540000', totalDownBytes: '0', lastAtMs: 1, lastUptimeS: 1, periodStart: '2024-05-01' } } } }));
    expect(await createStateStore(dir, { now: () => 7 }).load('r1')).toBeUndefined();
    expect(await readdir(dir)).toContain(`${DOCUMENT_FILE}.corrupt-7`);
  });

  it('refuses a document from a newer version, leaves it untouched and will not overwrite it', async () => {
    const text = '{"version":3,"routers":{}}';
    await writeFile(join(dir, DOCUMENT_FILE), text);
    const store = createStateStore(dir);
    expect((await rejection(store.load('r1'))).message).toMatch(/newer tikprobe/);
    expect((await rejection(store.save('r1', sample()))).code).toBe('STATE_IO');
    expect(await readFile(join(dir, DOCUMENT_FILE), 'utf8')).toBe(text);
  });

  it('refuses to save a state that would not load again, without quoting it', async () => {
    const bad = { ...sample(), komari: { uuid: '', token: TOKEN } };
    const err = await rejection(createStateStore(dir).save('r1', bad));
    expect(err.message).toContain('komari.uuid');
    expect(err.message).not.toContain(TOKEN);
  });

  it('creates the directory again when it was deleted, with every router in it', async () => {
    const log = bufferLogger();
    const store = createStateStore(join(dir, 's'), { logger: log.logger });
    await store.saveMany(new Map([['r1', sample(1)], ['r2', sample(2)]]));
    await rm(join(dir, 's'), { recursive: true });
    await store.save('r1', sample(3));
    const fresh = createStateStore(join(dir, 's'));
    expect(await fresh.load('r1')).toEqual(sample(3));
    expect((await fresh.load('r2'))?.komari).toEqual({ uuid: 'c0ffee', token: TOKEN });
    expect(log.text()).toContain('created it again');
  });

  it('fails with STATE_IO naming the file and errno when the directory is a file', async () => {
    await writeFile(join(dir, 'f'), 'x');
    const err = await rejection(createStateStore(join(dir, 'f')).save('r1', sample()));
    expect(err.message).toMatch(/routers\.state.*(ENOTDIR|EEXIST)/);
  });

  it('reports what was last written as persisted', async () => {
    await mkdir(join(dir, 'p'));
    const store = createStateStore(join(dir, 'p'));
    await store.save('r1', sample(1));
    expect(store.persisted('r1')).toEqual(sample(1));
  });
});
