/**
 * State-directory faults on a real directory, through the whole bridge (RouterOS and Komari
 * fakes on loopback, a manual clock): a full disk (a 64 KiB tmpfs), a read-only directory (the
 * tmpfs remounted read-only: root ignores mode bits), the directory deleted while running, and
 * a truncated, garbage or wrongly shaped document at start. In each, polling and reporting go
 * on, the condition is logged once with the path and the errno, and the state is written again
 * by itself once the fault is gone. The router registers by auto-discovery, so a lost
 * registration would show as a second Komari registration. Mounts need root; where `mount`
 * fails, those tests skip with the reason printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import type { KomariReport } from '../../src/integrations/komari/payload.js';
import { type RunningBridge, startBridge } from '../../src/main.js';
import { createKomariFake, type KomariFake } from '../fakes/komari.js';
import { createRouterFake, type RouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';
import { type CountedStore, countedStore } from '../support/counted-store.js';
import { bufferLogger } from '../support/log-buffer.js';
import { ManualClock } from '../support/manual-clock.js';

const DISCOVERY_KEY = 'DiscoveryKey-0123456789';
const FLUSH_MS = 10_000;

let router: { fake: RouterFake; server: MswServer };
let komari: KomariFake;
let komariServer: MswServer;
let stateDir: string;
let mounted = false;
let running: RunningBridge | undefined;
let clock: ManualClock;
let log: ReturnType<typeof bufferLogger>;
let counted: CountedStore;

beforeEach(async () => {
  const fake = createRouterFake({ state: { identity: 'r0' } });
  router = { fake, server: await serveMsw(fake.handlers) };
  komari = createKomariFake({ tokens: {}, discoveryKey: DISCOVERY_KEY });
  komariServer = await serveMsw(komari.handlers);
  stateDir = mkdtempSync(join(tmpdir(), 'tikprobe-faults-'));
});

afterEach(async () => {
  await running?.stop().catch(() => undefined);
  running = undefined;
  if (mounted) unmount();
  await Promise.all([router.server.close(), komariServer.close()]);
  rmSync(stateDir, { recursive: true, force: true });
});

function unmount(): void {
  try {
    execFileSync('umount', [stateDir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', stateDir], { stdio: 'pipe' });
  }
  mounted = false;
}

/** Mounts a tmpfs of `size` on the state directory; the reason when that is not possible here. */
function mountTmpfs(size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', stateDir], { stdio: 'pipe' });
    mounted = true;
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()}); needs root`;
  }
}

async function start(): Promise<void> {
  const yaml = `version: 1
komari:
  url: ${komariServer.url}
  autoDiscoveryKey: ${DISCOVERY_KEY}
  timeout: 2s
state:
  dir: ${stateDir}
defaults:
  username: tikprobe
  password: \${ROUTER_PASSWORD}
  timeout: 1s
  intervals: { report: 5s, basicInfo: 10m, connections: 30s }
routers:
  - name: r0
    url: ${router.server.url}
`;
  const config = await loadConfigText(yaml, 'faults.yaml', { ROUTER_PASSWORD: 's3cret-pass' });
  clock = new ManualClock();
  log = bufferLogger();
  // The state dir's real store, its writes counted: each step starts with none in flight.
  counted = countedStore(stateDir, log.logger);
  running = await startBridge(config, { logger: log.logger, version: '0.0.0-test', clock, random: () => 0, stateFlushMs: FLUSH_MS, store: counted.store });
}

/**
 * Advances the clock by `ms` and waits until the router loop is idle and every send is done:
 * `timers` is 2 after a poll (the loop's next poll and the flusher's pending write), 1 when
 * only a write was due; the router's Komari ping-task refresh loop always holds one more.
 */
async function step(ms: number, timers = 2): Promise<void> {
  await counted.settled();
  clock.advance(ms);
  await clock.idle(timers + 1);
  const sending = () => running?.bridge.view().some((v) => v.parts.some((p) => p.sending)) ?? false;
  await vi.waitFor(() => expect(sending(), 'a dashboard hand-off did not settle').toBe(false), { timeout: 5000, interval: 2 });
}

function reports(): KomariReport[] {
  const token = komari.received.registrations[0]?.token;
  return komari.received.reports.filter((r) => r.token === token).map((r) => r.body as KomariReport);
}

const accounting = () => running?.bridge.view()[0]?.accounting;
const docPath = () => join(stateDir, 'routers.state');

function savedDown(): string | undefined {
  const doc = JSON.parse(readFileSync(docPath(), 'utf8')) as { routers: Record<string, { traffic?: { totalDownBytes: string } }> };
  return doc.routers.r0?.traffic?.totalDownBytes;
}

const logged = (msg: string) => log.lines().filter((l) => l.msg === msg);
const WRITE_FAILED = 'state could not be written; polling and reporting go on, the states are kept in memory and written at the next attempt';

/** Polls one report interval with 1 MB received; returns the new last reported totalDown. */
async function pollWithTraffic(): Promise<number> {
  router.fake.state.interfaces.find((i) => i.name === 'ether1')!.rxBytes += 1_000_000n;
  router.fake.state.resource.uptimeS += 5;
  await step(5000);
  return reports().at(-1)!.network.totalDown;
}

/** Registers, takes a baseline, and waits until it is on disk. */
async function startWithBaseline(): Promise<void> {
  await start();
  await step(0);
  await step(1000, 1);
  // Persisted (as /status shows it) only once the whole write, directory fsync included, is done.
  await vi.waitFor(() => expect(accounting()?.persistedTotalDownBytes).toBe('0'), { timeout: 5000, interval: 10 });
  expect(savedDown()).toBe('0');
  expect(komari.received.registrations).toHaveLength(1);
}

/** Runs the bridge through a write fault: reports go on, one warning with path and errno, then recovery. */
async function throughWriteFault(errno: string, inject: () => void, clear: () => void): Promise<void> {
  await startWithBaseline();
  inject();
  let down = 0;
  // Four report intervals: two timed flushes fail, and an explicit flush fails too.
  for (let i = 1; i <= 4; i++) {
    down = await pollWithTraffic();
    expect(down).toBe(i * 1_000_000);
  }
  await expect(running!.flushState()).rejects.toThrow(errno);
  const warnings = logged(WRITE_FAILED);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ errno });
  expect(String(warnings[0]!.err)).toContain(docPath());
  expect(savedDown()).toBe('0');
  // /status tells the totals in memory from the ones on disk.
  expect(accounting()).toMatchObject({ totalDownBytes: String(down), persistedTotalDownBytes: '0' });

  clear();
  down = await pollWithTraffic();
  down = await pollWithTraffic();
  await vi.waitFor(() => expect(logged('state written again')).toHaveLength(1), { timeout: 5000, interval: 10 });
  await running!.flushState();
  expect(savedDown()).toBe(String(down));
  expect(down).toBe(6_000_000);
  expect(accounting()?.persistedTotalDownBytes).toBe(String(down));
  expect(logged(WRITE_FAILED)).toHaveLength(1);
  expect(komari.received.registrations).toHaveLength(1);
  expect(readdirSync(stateDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('state directory faults (bridge, real directory)', () => {
  it('a full disk (ENOSPC): reports go on, said once, written again once space is free', async (ctx) => {
    const reason = mountTmpfs('64k');
    if (reason) {
      console.log(`skipped: ${reason}`);
      return ctx.skip();
    }
    const filler = join(stateDir, 'filler');
    await throughWriteFault(
      'ENOSPC',
      () => {
        const fd = openSync(filler, 'w');
        try {
          for (;;) writeSync(fd, Buffer.alloc(4096, 1));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        } finally {
          closeSync(fd);
        }
      },
      () => unlinkSync(filler),
    );
  });

  it('a read-only directory (EROFS): reports go on, said once, written again once writable', async (ctx) => {
    const reason = mountTmpfs('1m');
    if (reason) {
      console.log(`skipped: ${reason}`);
      return ctx.skip();
    }
    const remount = (mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, stateDir], { stdio: 'pipe' });
    await throughWriteFault(
      'EROFS',
      () => remount('ro'),
      () => remount('rw'),
    );
  });

  it('the directory deleted while running: created again with the registration, never registered twice', async () => {
    await startWithBaseline();
    const token = komari.received.registrations[0]!.token;
    rmSync(stateDir, { recursive: true, force: true });
    const down = await pollWithTraffic();
    await pollWithTraffic();
    await vi.waitFor(() => expect(existsSync(docPath())).toBe(true), { timeout: 5000, interval: 10 });
    await running!.flushState();
    const again = logged('state directory had disappeared; created it again and wrote every router’s state');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ dir: stateDir });
    expect(readFileSync(docPath(), 'utf8')).toContain(token);
    expect(logged(WRITE_FAILED), log.text()).toEqual([]);

    // A restart on the re-created directory: same node, totals continue.
    await running!.stop();
    const before = reports().at(-1)!.network.totalDown;
    expect(before).toBe(down + 1_000_000);
    router.fake.state.interfaces.find((i) => i.name === 'ether1')!.rxBytes += 1_000_000n;
    await start();
    await step(0);
    expect(komari.received.registrations).toHaveLength(1);
    expect(reports().at(-1)!.network.totalDown).toBe(before + 1_000_000);
  });

  const corruptions: [string, (text: string) => string][] = [
    ['truncated', (text) => text.slice(0, Math.floor(text.length / 2))],
    ['garbage', () => '\u0000\u0001 not a state document {{{'],
    ['of the wrong shape', () => JSON.stringify({ version: 2, routers: { r0: { traffic: 'none' } } })],
  ];
  it.each(corruptions)('a document %s at start: the previous generation is used, the bad file kept aside', async (_what, corrupt) => {
    await startWithBaseline();
    const down = await pollWithTraffic();
    await running!.flushState();
    await pollWithTraffic();
    await running!.stop();
    // Now routers.state holds the last totals, routers.state.prev the ones one flush earlier.
    const bad = corrupt(readFileSync(docPath(), 'utf8'));
    writeFileSync(docPath(), bad);

    await start();
    await step(0);
    const first = reports().at(-1)!.network.totalDown;
    // The previous generation's totals and counters: the traffic since is counted once, nothing lost.
    expect(first).toBe(down + 1_000_000);
    expect(komari.received.registrations).toHaveLength(1);
    const aside = readdirSync(stateDir).filter((f) => f.startsWith('routers.state.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(stateDir, aside[0]!), 'utf8')).toBe(bad);
    const warnings = logged('state file unreadable; moved aside, reading the previous generation');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: docPath(), movedTo: join(stateDir, aside[0]!) });

    // Recovers by itself: the next write is a valid document again, the bad file untouched.
    await pollWithTraffic();
    await running!.flushState();
    expect(savedDown()).toBe(String(first + 1_000_000));
    expect(readFileSync(join(stateDir, aside[0]!), 'utf8')).toBe(bad);
  });
});

describe('an unwritable state.dir at start (built CLI)', () => {
  it('exits 73 at once, naming the directory and the errno', async (ctx) => {
    const cli = resolve(import.meta.dirname, '../../dist/cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    const reason = mountTmpfs('64k');
    if (reason) {
      console.log(`skipped: ${reason}`);
      return ctx.skip();
    }
    execFileSync('mount', ['-o', 'remount,ro', stateDir], { stdio: 'pipe' });
    const file = join(tmpdir(), `tikprobe-ro-${process.pid}.yaml`);
    writeFileSync(
      file,
      `version: 1\nkomari:\n  url: ${komariServer.url}\n  autoDiscoveryKey: ${DISCOVERY_KEY}\nstate:\n  dir: ${join(stateDir, 'sub')}\nrouters:\n  - name: r0\n    url: ${router.server.url}\n    username: tikprobe\n    password: s3cret-pass\n`,
    );
    try {
      const run = spawnSync(process.execPath, [cli, 'run', '--config', file], { encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH ?? '' } });
      expect(run.status, run.stdout + run.stderr).toBe(73);
      expect(run.stdout + run.stderr).toContain(join(stateDir, 'sub'));
      expect(run.stdout + run.stderr).toContain('EROFS');
      expect(komari.received.registrations).toEqual([]);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
