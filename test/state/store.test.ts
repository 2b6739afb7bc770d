import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceTraffic } from '../../src/accounting/traffic.js';
import { TikprobeError } from '../../src/errors.js';
import { createStateStore, type RouterState } from '../../src/state/store.js';
import { bufferLogger } from '../support/log-buffer.js';
import { tempDir } from './support/temp-dir.js';

const TOKEN = 'kmr-secret-token-5f1d2c';

function sample(n = 1): RouterState {
  return {
    version: 1,
    traffic: {
      interfaces: { ether1: { id: '*1', rx: '18446744073709551615', tx: String(n) } },
      totalUpBytes: n * 10,
      totalDownBytes: n * 20,
      lastAtMs: 1_715_000_000_000 + n,
      lastUptimeS: 3_600 + n,
      periodStart: '2024-05-01',
    },
    komari: { uuid: 'c0ffee', token: TOKEN },
  };
}

async function expectStateIo(p: Promise<unknown>, match: RegExp | string): Promise<TikprobeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TikprobeError);
  expect((err as TikprobeError).code).toBe('STATE_IO');
  expect((err as TikprobeError).message).toMatch(match);
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

describe('createStateStore', () => {
  it('returns undefined for a router without a file, even before the directory exists', async () => {
    const store = createStateStore(join(dir, 'not-yet'));
    expect(await store.load('home-gw')).toBeUndefined();
  });

  it('saves and loads a state unchanged, creating the directory 0700 and the file 0600', async () => {
    const stateDir = join(dir, 'a', 'state');
    const store = createStateStore(stateDir);
    await store.save('home-gw', sample());
    expect(await store.load('home-gw')).toEqual(sample());
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir, 'home-gw.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(stateDir)).toEqual(['home-gw.json']);
    // A later process reads what this one wrote.
    expect(await createStateStore(stateDir).load('home-gw')).toEqual(sample());
  });

  it('round-trips the state accounting produces, 64-bit counters included', async () => {
    const counters = (rx: bigint) => [{ id: '*1', name: 'ether1', rxBytes: rx, txBytes: 2n ** 63n }];
    const first = advanceTraffic(undefined, { atMs: 1_715_000_000_000, uptimeS: 10, counters: counters(2n ** 62n) }, {});
    const second = advanceTraffic(first.state, { atMs: 1_715_000_005_000, uptimeS: 15, counters: counters(2n ** 62n + 77n) }, { resetDay: 3 });
    const store = createStateStore(dir);
    await store.save('r1', { version: 1, traffic: second.state });
    const loaded = await store.load('r1');
    expect(loaded?.traffic).toEqual(second.state);
    const third = advanceTraffic(loaded?.traffic, { atMs: 1_715_000_010_000, uptimeS: 20, counters: counters(2n ** 62n + 100n) }, {});
    expect(third.reading.totalDownBytes).toBe(100);
  });

  it('keeps routers in separate files', async () => {
    const store = createStateStore(dir);
    await Promise.all([store.save('r1', sample(1)), store.save('r2', sample(2))]);
    expect((await store.load('r1'))?.traffic?.totalUpBytes).toBe(10);
    expect((await store.load('r2'))?.traffic?.totalUpBytes).toBe(20);
  });

  it('writes the last of several concurrent saves of one router, and resolves all of them', async () => {
    const store = createStateStore(dir);
    const saves = [1, 2, 3, 4, 5, 6].map((n) => store.save('r1', sample(n)));
    await Promise.all(saves);
    expect((await store.load('r1'))?.traffic?.totalUpBytes).toBe(60);
    expect(await readdir(dir)).toEqual(['r1.json']);
  });

  it('lets a load wait for a save in progress', async () => {
    const store = createStateStore(dir);
    await store.save('r1', sample(1));
    const saving = store.save('r1', sample(2));
    const loaded = await store.load('r1');
    await saving;
    expect(loaded?.traffic?.totalUpBytes).toBe(20);
  });

  it('writes the state as it was when save was called', async () => {
    const store = createStateStore(dir);
    const state = sample(1);
    const saving = store.save('r1', state);
    state.traffic!.totalUpBytes = 999;
    await saving;
    expect((await store.load('r1'))?.traffic?.totalUpBytes).toBe(10);
  });

  it('never shows a reader a partial file while saves replace it', async () => {
    const big = (n: number): RouterState => {
      const interfaces: Record<string, { id: string; rx: string; tx: string }> = {};
      for (let i = 0; i < 3000; i++) interfaces[`ether${i}`] = { id: `*${i}`, rx: String(n * 1000 + i), tx: String(n) };
      return { version: 1, traffic: { ...sample(n).traffic!, interfaces } };
    };
    const store = createStateStore(dir);
    await store.save('r1', big(0));
    let saving = true;
    let reads = 0;
    const partial: string[] = [];
    const reader = (async () => {
      while (saving) {
        const text = await readFile(join(dir, 'r1.json'), 'utf8');
        reads++;
        try {
          JSON.parse(text);
        } catch {
          partial.push(`${text.length} bytes`);
        }
      }
    })();
    for (let n = 1; n <= 20; n++) await store.save('r1', big(n));
    saving = false;
    await reader;
    expect(reads).toBeGreaterThan(20);
    expect(partial).toEqual([]);
  });

  it('replaces a temporary file left by a crash and leaves none behind, with mode 0600', async () => {
    await writeFile(join(dir, 'r1.json.tmp'), 'half a fi', { mode: 0o644 });
    await chmod(join(dir, 'r1.json.tmp'), 0o644);
    const store = createStateStore(dir);
    await store.save('r1', sample());
    expect(await readdir(dir)).toEqual(['r1.json']);
    expect((await stat(join(dir, 'r1.json'))).mode & 0o777).toBe(0o600);
  });

  it('moves a file that is not JSON aside with a warning that does not quote it', async () => {
    await writeFile(join(dir, 'r1.json'), `{"version":1,"komari":{"uuid":"u","token":"${TOKEN}"`);
    const log = bufferLogger();
    const store = createStateStore(dir, { logger: log.logger, now: () => 1_717_171_717_171 });
    expect(await store.load('r1')).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['r1.json.corrupt-1717171717171']);
    const warnings = log.lines().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ router: 'r1', reason: 'not valid JSON', movedTo: join(dir, 'r1.json.corrupt-1717171717171') });
    expect(log.text()).not.toContain(TOKEN);
    // The next save starts afresh.
    await store.save('r1', sample());
    expect(await store.load('r1')).toEqual(sample());
  });

  it.each([
    ['a negative total', (s: RouterState) => ({ ...s, traffic: { ...s.traffic!, totalUpBytes: -1 } }), 'traffic.totalUpBytes'],
    ['a counter that is not digits', (s: RouterState) => ({ ...s, traffic: { ...s.traffic!, interfaces: { e: { id: '*1', rx: '1e3', tx: '0' } } } }), 'traffic.interfaces.e.rx'],
    ['a total that JSON turned into null', (s: RouterState) => ({ ...s, traffic: { ...s.traffic!, totalDownBytes: null } }), 'traffic.totalDownBytes'],
    ['a bad periodStart', (s: RouterState) => ({ ...s, traffic: { ...s.traffic!, periodStart: 'May' } }), 'traffic.periodStart'],
    ['a missing version', (s: RouterState) => ({ ...s, version: undefined }), 'version'],
    ['a string version', (s: RouterState) => ({ ...s, version: '2' }), 'version'],
    ['an array', () => [1, 2], '(root)'],
  ])('moves a file with %s aside, naming where it is wrong but not the token', async (_name, mutate, where) => {
    await writeFile(join(dir, 'r1.json'), JSON.stringify(mutate(sample())));
    const log = bufferLogger();
    const store = createStateStore(dir, { logger: log.logger, now: () => 42 });
    expect(await store.load('r1')).toBeUndefined();
    expect(await readdir(dir)).toEqual(['r1.json.corrupt-42']);
    expect(String(log.lines()[0]?.reason)).toContain(where);
    expect(log.text()).not.toContain(TOKEN);
  });

  it('refuses a file from a newer version, leaves it untouched and will not overwrite it', async () => {
    const newer = JSON.stringify({ version: 2, traffic: { something: 'new' }, komari: { uuid: 'u', token: TOKEN } });
    await writeFile(join(dir, 'r1.json'), newer);
    const store = createStateStore(dir);
    const err = await expectStateIo(store.load('r1'), /version 2.*newer tikprobe/);
    expect(err.message).toContain(join(dir, 'r1.json'));
    expect(err.message).not.toContain(TOKEN);
    expect(err.retryable).toBe(true);
    await expectStateIo(store.save('r1', sample()), /newer tikprobe; not overwriting/);
    await expectStateIo(store.remove!('r1'), /newer tikprobe/);
    expect(await readFile(join(dir, 'r1.json'), 'utf8')).toBe(newer);
    expect(await readdir(dir)).toEqual(['r1.json']);
    // Other routers are unaffected.
    await store.save('r2', sample());
  });

  it('refuses to save a state that would not load again, without quoting it', async () => {
    const store = createStateStore(dir);
    const bad = sample();
    bad.traffic!.totalUpBytes = Number.NaN;
    const err = await expectStateIo(store.save('r1', bad), /r1.*traffic\.totalUpBytes/);
    expect(err.message).not.toContain(TOKEN);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['../escape', 'a/b', 'a\\b', '..', '.', '', 'x'.repeat(65), 'nul\0byte', 'sp ace'])(
    'refuses the router name %j',
    async (name) => {
      const store = createStateStore(join(dir, 'state'));
      await expectStateIo(store.save(name, sample()), /router name/);
      await expectStateIo(store.load(name), /router name/);
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it('accepts every character the config allows in a router name', async () => {
    const store = createStateStore(dir);
    await store.save('Home_GW-1.lan', sample());
    expect(await store.load('Home_GW-1.lan')).toEqual(sample());
  });

  it('fails with STATE_IO naming the directory when it cannot be created', async () => {
    await writeFile(join(dir, 'file'), '');
    const stateDir = join(dir, 'file', 'state');
    const store = createStateStore(stateDir);
    const err = await expectStateIo(store.save('r1', sample()), /cannot create state directory/);
    expect(err.message).toContain(stateDir);
    expect(err.message).not.toContain(TOKEN);
  });

  it('fails with STATE_IO naming the file when the directory cannot take it', async () => {
    // A directory where the file should go: the rename cannot replace it.
    await mkdir(join(dir, 'r1.json'));
    const store = createStateStore(dir);
    const err = await expectStateIo(store.save('r1', sample()), /cannot write state file/);
    expect(err.message).toContain(join(dir, 'r1.json'));
    expect(await readdir(dir)).toEqual(['r1.json']);
  });

  it('fails with STATE_IO when the file cannot be read', async () => {
    await mkdir(join(dir, 'r1.json'));
    await expectStateIo(createStateStore(dir).load('r1'), /cannot read state file .*r1\.json: EISDIR/);
  });

  it('removes a router’s file, and a missing one quietly', async () => {
    const store = createStateStore(dir);
    await store.save('r1', sample());
    await store.remove!('r1');
    expect(await readdir(dir)).toEqual([]);
    await store.remove!('r1');
    expect(await store.load('r1')).toBeUndefined();
  });

  it('orders a remove after a save queued before it', async () => {
    const store = createStateStore(dir);
    const saving = store.save('r1', sample());
    const removing = store.remove!('r1');
    await Promise.all([saving, removing]);
    expect(await readdir(dir)).toEqual([]);
  });
});
