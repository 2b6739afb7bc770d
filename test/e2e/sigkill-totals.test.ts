/**
 * The durability invariant of issue 10 against the built CLI: `tikprobe run` is killed with
 * SIGKILL at 20 seeded random moments (the first ones within its first second, before any
 * timed flush) and started again each time. The fake router's counters keep advancing while
 * tikprobe runs and while it is down (the router does not reboot). After every kill:
 * - the state document is valid JSON that the store loads; it is absent only while no run
 *   has written a baseline yet;
 * - the first totals reported after the restart are at least the last ones reported before
 *   the kill, include the traffic the router counted while tikprobe was down, and never
 *   exceed what the router counted since the baseline (nothing counted twice).
 * Needs `npm run build` first (npm test does it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '@tikprobe/sim/prng.js';
import { createStateStore } from '../../src/state/store.js';
import { createKomariFake, type KomariFake } from '../fakes/komari.js';
import { createRouterFake, type RouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const PASSWORD = 's3cret-pass';
const TOKEN = 'KillA1b2C3d4E5f6G7h8I9j0';
const KILLS = 20;
const SEED = 0x5eed10;
/** Bytes the router counts per 100 ms tick while tikprobe runs, and while it is down. */
const RX_TICK = 12_345n;
const TX_TICK = 4_321n;
const RX_DOWNTIME = 7_000_000n;
const TX_DOWNTIME = 3_000_000n;


/** Runs killed this late have reported (and flushed) whatever the machine's speed. */
const LONG_RUN_MS = 5000;

/**
 * Kill moments in ms after spawn: the first four within the first second (before any flush),
 * every fourth later one after 5 to 6 s (well after a baseline must be on disk, and a report
 * 2 s before it even when a busy machine — the whole suite on 2 cores — slows the start to
 * ~2.5 s), the rest between 0.6 and 3 s.
 */
function killMoments(): number[] {
  const random = seededRng(SEED);
  const moment = (i: number) => (i < 4 ? 50 + random() * 900 : i % 4 === 3 ? LONG_RUN_MS + random() * 1000 : 600 + random() * 2400);
  return Array.from({ length: KILLS }, (_, i) => Math.round(moment(i)));
}

let router: { fake: RouterFake; server: MswServer };
let komari: KomariFake;
let komariServer: MswServer;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const fake = createRouterFake({ state: { identity: 'killed' } });
  router = { fake, server: await serveMsw(fake.handlers) };
  komari = createKomariFake({ tokens: { [TOKEN]: 'killed' } });
  komariServer = await serveMsw(komari.handlers);
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-kill-'));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.all([router.server.close(), komariServer.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(stateDir: string): string {
  const file = join(dir, 'kill.yaml');
  writeFileSync(
    file,
    `version: 1
komari:
  url: ${komariServer.url}
state:
  dir: ${stateDir}
defaults:
  username: tikprobe
  password: \${ROUTER_PASSWORD}
  timeout: 500ms
  intervals: { report: 1s }
routers:
  - name: killed
    url: ${router.server.url}
    komari: { token: ${TOKEN} }
`,
  );
  return file;
}

interface Totals {
  up: bigint;
  down: bigint;
}

/** A baseline reaches the disk within 1 s of its poll: a report older than this at the kill had its state written. */
const DURABLE_AFTER_MS = 2000;

function reportedTotals(from: number): (Totals & { at: number })[] {
  return komari.received.reports.slice(from).map((r) => {
    const n = (r.body as { network: { totalUp: number; totalDown: number } }).network;
    return { up: BigInt(n.totalUp), down: BigInt(n.totalDown), at: r.at };
  });
}

/** Starts the CLI, SIGKILLs it `afterMs` later, resolves once it is gone. */
async function runAndKill(file: string, afterMs: number): Promise<{ output: string; killedAt: number }> {
  let out = '';
  const proc = spawn(process.execPath, [CLI, 'run', '--config', file], {
    env: { PATH: process.env.PATH ?? '', ROUTER_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  proc.stdout!.on('data', (d) => {
    out += String(d);
  });
  proc.stderr!.on('data', (d) => {
    out += String(d);
  });
  const exit = new Promise<NodeJS.Signals | null>((done) => proc.on('exit', (_code, signal) => done(signal)));
  await new Promise((r) => setTimeout(r, afterMs));
  const killedAt = Date.now();
  proc.kill('SIGKILL');
  const signal = await exit;
  child = undefined;
  // A run that ended by itself (a config or start-up error) is a failure of its own.
  if (signal !== 'SIGKILL') throw new Error(`tikprobe exited before the kill:\n${out}`);
  return { output: out, killedAt };
}

type Counted = { rx: bigint; tx: bigint };

/**
 * One run's reports: the first never below the last one before the kill, with the downtime
 * traffic (counted before this start) included; none above what the router counted since the
 * baseline (nothing counted twice); and never falling within the run.
 */
function checkReports(reports: Totals[], at: { last: Totals; atStart: Counted; seen: Counted }, context: string): void {
  const first = reports[0]!;
  expect(first.down, context).toBeGreaterThanOrEqual(at.last.down);
  expect(first.up, context).toBeGreaterThanOrEqual(at.last.up);
  expect(first.down, context).toBeGreaterThanOrEqual(at.atStart.rx);
  expect(first.up, context).toBeGreaterThanOrEqual(at.atStart.tx);
  for (const [i, r] of reports.entries()) {
    expect(r.down, context).toBeLessThanOrEqual(at.seen.rx);
    expect(r.up, context).toBeLessThanOrEqual(at.seen.tx);
    if (i > 0) expect(r.down, context).toBeGreaterThanOrEqual(reports[i - 1]!.down);
  }
}

const ether1 = () => router.fake.state.interfaces.find((i) => i.name === 'ether1')!;

describe('SIGKILL at random moments (built CLI)', () => {
  it('keeps the state document loadable and the reported totals monotonic, downtime traffic included once', async () => {
    const stateDir = join(dir, 'state');
    const statePath = join(stateDir, 'routers.state');
    const file = writeConfig(stateDir);
    const started = Date.now();
    // The router's uptime follows the wall clock: it never reboots in this test.
    const uptimeAt0 = router.fake.state.resource.uptimeS;
    // Counters stand still until a baseline is on disk, so the baseline's counters are known.
    const base = { rx: ether1().rxBytes, tx: ether1().txBytes };
    const counting = setInterval(() => {
      router.fake.state.resource.uptimeS = uptimeAt0 + Math.floor((Date.now() - started) / 1000);
      if (!existsSync(statePath)) return;
      ether1().rxBytes += RX_TICK;
      ether1().txBytes += TX_TICK;
    }, 100);
    let last: Totals = { up: 0n, down: 0n };
    let longReported = 0;
    let midReported = 0;
    let statesExpected = 0;
    try {
      for (const [run, afterMs] of killMoments().entries()) {
        const atStart = { rx: ether1().rxBytes - base.rx, tx: ether1().txBytes - base.tx };
        const from = komari.received.reports.length;
        const { output, killedAt } = await runAndKill(file, afterMs);
        const seen = { rx: ether1().rxBytes - base.rx, tx: ether1().txBytes - base.tx };
        const reports = reportedTotals(from);
        const context = `run ${run}, killed after ${afterMs} ms, ${reports.length} report(s)\n${output.slice(-3000)}`;
        if (reports.length > 0) {
          if (afterMs >= LONG_RUN_MS) longReported++;
          else midReported++;
          checkReports(reports, { last, atStart, seen }, context);
          last = { up: reports.at(-1)!.up, down: reports.at(-1)!.down };
        }
        const durable = reports.some((r) => killedAt - r.at >= DURABLE_AFTER_MS);
        if (durable) statesExpected++;
        expect(existsSync(statePath) || !durable, `${context}\na report ${DURABLE_AFTER_MS} ms before the kill, yet no state on disk`).toBe(true);
        if (existsSync(statePath)) {
          expect(() => JSON.parse(readFileSync(statePath, 'utf8')), context).not.toThrow();
          const saved = await createStateStore(stateDir).load('killed');
          expect(saved?.traffic, context).toBeDefined();
          expect(readdirSync(stateDir).filter((f) => f.includes('.corrupt-')), context).toEqual([]);
          // The router counts on while tikprobe is down.
          ether1().rxBytes += RX_DOWNTIME;
          ether1().txBytes += TX_DOWNTIME;
        } else {
          // Absent only before any baseline reached the disk: then nothing was counted yet.
          expect(last, context).toEqual({ up: 0n, down: 0n });
          expect(seen, context).toEqual({ rx: 0n, tx: 0n });
        }
      }
    } finally {
      clearInterval(counting);
    }
    // Every long run lived long enough to report, so the comparisons above did happen; how many
    // shorter ones reported depends on how fast this machine starts a process (the whole
    // suite on 2 cores: ~2 s to a first report), at least one did.
    expect(longReported).toBe(killMoments().filter((ms) => ms >= LONG_RUN_MS).length);
    expect(midReported).toBeGreaterThanOrEqual(1);
    expect(statesExpected).toBeGreaterThanOrEqual(2);
    expect(last.down).toBeGreaterThan(RX_DOWNTIME);
    expect(komari.refused).toEqual([]);
  }, 60_000);
});
