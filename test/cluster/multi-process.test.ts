/**
 * Several replicas of the built CLI on one real PostgreSQL carry a simulated fleet through
 * scale 3 → 5 → 2 and a kill -9: every router reported by one replica at a time, totals never
 * falling, no router registered twice, and the longest reporting gap per router printed.
 */
import { type AddressInfo, createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { createKomariFake } from '../fakes/komari.js';
import { serveMsw } from '../fakes/serve-msw.js';
import { usePostgres } from './support/pg-suite.js';
import { type Replica, sleep, startReplica, until } from './support/replicas.js';

const CLI = join(import.meta.dirname, '../../dist/cli.js');
const ROUTERS = 200;
const REPORT_MS = 2000;
const DISCOVERY_KEY = 'cluster-test-discovery-key';
const pgs = usePostgres();
const dir = mkdtempSync(join(tmpdir(), 'tikprobe-cluster-'));
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  if (!process.env.TIKPROBE_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
  else console.log(`replica logs kept in ${dir}`);
});

/** Each replica reaches Komari under a path of its own (`KOMARI_URL`), so the fake tells reporters apart. */
function clusterConfig(simYaml: string, postgres: string): string {
  const doc = parseDocument(simYaml);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} reference, expanded by each replica
  doc.setIn(['komari', 'url'], '${KOMARI_URL}');
  doc.setIn(['komari', 'autoDiscoveryKey'], DISCOVERY_KEY);
  doc.setIn(['log', 'level'], 'info');
  doc.setIn(['defaults', 'timeout'], '1500ms');
  doc.setIn(['defaults', 'intervals', 'report'], `${REPORT_MS / 1000}s`);
  doc.set('cluster', { postgres, heartbeat: '400ms', deadAfter: '1400ms' });
  const routers = doc.get('routers') as { items: { delete(k: string): void }[] };
  for (const r of routers.items) r.delete('komari');
  return doc.toString();
}

interface Report {
  at: number;
  totalUp: number;
  totalDown: number;
  /** The replica that sent it. */
  by: string;
}

/**
 * The most a simulated router's traffic interface carries per direction (200 Mbit/s, the
 * ceiling of its rate walk in packages/sim/src/sim-router.ts), in bytes per second.
 */
const SIM_MAX_BYTES_PER_S = 200e6 / 8;
/** Poll and report times differ by at most a poll (timeout 1.5 s) and the hand-off to Komari. */
const POLL_SLACK_S = 3;

function reportsByRouter(fake: ReturnType<typeof createKomariFake>): Map<string, Report[]> {
  const out = new Map<string, Report[]>();
  for (const r of fake.received.reports) {
    const name = fake.nodes.get(r.token)?.name ?? r.token;
    const net = (r.body as { network: { totalUp: number; totalDown: number } }).network;
    const list = out.get(name) ?? [];
    list.push({ at: r.at, totalUp: net.totalUp, totalDown: net.totalDown, by: r.path.split('/')[1]! });
    out.set(name, list);
  }
  return out;
}

/**
 * One router's reports: one reporter at a time (a replica that handed the router on never
 * reports it again: in this run owners only leave), totals never falling and never growing by
 * more than the router's traffic could. Returns every gap between its reports since `from`, with when it ended.
 */
function checkRouter(router: string, reports: readonly Report[], from: number): { gapMs: number; at: number }[] {
  const reporters = reports.map((r) => r.by).filter((by, i, all) => i === 0 || all[i - 1] !== by);
  expect(new Set(reporters).size, `${router} interleaved between replicas: ${reporters.join(' → ')}`).toBe(reporters.length);
  const gaps: { gapMs: number; at: number }[] = [];
  const steady = reports.filter((r) => r.at >= from);
  for (let i = 1; i < steady.length; i++) {
    const [a, b] = [steady[i - 1]!, steady[i]!];
    const gapMs = b.at - a.at;
    gaps.push({ gapMs, at: b.at });
    expect(b.totalUp, `${router} totalUp never falls`).toBeGreaterThanOrEqual(a.totalUp);
    expect(b.totalDown, `${router} totalDown never falls`).toBeGreaterThanOrEqual(a.totalDown);
    const most = SIM_MAX_BYTES_PER_S * (gapMs / 1000 + POLL_SLACK_S);
    expect(b.totalUp - a.totalUp, `${router} totalUp jumps by more than its traffic`).toBeLessThanOrEqual(most);
    expect(b.totalDown - a.totalDown, `${router} totalDown jumps by more than its traffic`).toBeLessThanOrEqual(most);
  }
  return gaps;
}

/** A port nothing listens on now (the simulator binds it on 127.0.1.x). */
function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

describe('cluster of CLI replicas on a real PostgreSQL', () => {
  it('3 → 5 → 2 replicas and a kill -9: one reporter per router, continuous totals, one registration each', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const fake = createKomariFake({ tokens: {}, discoveryKey: DISCOVERY_KEY });
    const komari = await serveMsw(fake.handlers);
    cleanups.push(() => komari.close());
    // The simulated fleet runs in a process of its own, like real routers do.
    const simFile = join(dir, 'fleet.yaml');
    const port = await freePort();
    const sim = spawn(process.execPath, [CLI, 'simulate', '--routers', String(ROUTERS), '--port', String(port), '--conntrack', '20', '--write-config', simFile], { stdio: 'ignore' });
    cleanups.push(() => {
      sim.kill('SIGTERM');
    });
    await until(() => existsSync(simFile), 20_000, 'the simulator');
    await sleep(300);
    const configFile = join(dir, 'tikprobe.yaml');
    writeFileSync(configFile, clusterConfig(readFileSync(simFile, 'utf8'), pgs.server.url), { mode: 0o600 });

    const replicas = new Map<string, Replica>();
    const up = (id: string) => replicas.set(id, startReplica(id, configFile, dir, { KOMARI_URL: `${komari.url}/${id}` }));
    cleanups.push(() => {
      for (const r of replicas.values()) r.proc.kill('SIGKILL');
    });
    const reported = () => new Set(fake.received.reports.map((r) => r.token)).size;

    for (const id of ['r1', 'r2', 'r3']) up(id);
    await until(() => reported() === ROUTERS, 40_000, 'every router to report');
    const steadyFrom = Date.now();
    await sleep(4000);
    const phases: [string, number][] = [['3 → 5 (join)', Date.now()]];
    for (const id of ['r4', 'r5']) up(id);
    await sleep(7000);
    phases.push(['5 → 2 (SIGTERM)', Date.now()]);
    // A scale-down terminates its pods together, as Kubernetes does.
    const leaving = ['r1', 'r2', 'r3'].map((id) => replicas.get(id)!);
    for (const r of leaving) r.proc.kill('SIGTERM');
    for (const r of leaving) {
      expect(await r.exited).toBe('0');
      replicas.delete(r.id);
    }
    await sleep(7000);
    phases.push(['kill -9', Date.now()]);
    replicas.get('r4')!.proc.kill('SIGKILL');
    replicas.delete('r4');
    await sleep(9000);
    const endAt = Date.now();

    const db = new pg.Client({ connectionString: pgs.server.url });
    await db.connect();
    const load = await db.query(
      `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())::float AS commits,
              (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables)::float AS rows,
              (SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = 'tikprobe_router_state')::float AS state_rows`,
    );
    await db.end();
    const seconds = (endAt - steadyFrom) / 1000;
    const { commits, rows, state_rows: stateRows } = load.rows[0] as { commits: number; rows: number; state_rows: number };
    console.log(
      `cluster database load over the whole run (~${Math.round(seconds)} s steady): ${commits} transactions, ${rows} rows written (${stateRows} router-state rows)`,
    );
    const byRouter = reportsByRouter(fake);
    expect(byRouter.size).toBe(ROUTERS);
    // Every replica reported under its own path, so each report is attributed to its sender.
    expect(new Set(fake.received.reports.map((r) => r.path.split('/')[1]))).toEqual(new Set(['r1', 'r2', 'r3', 'r4', 'r5']));
    let worst = { router: '', gapMs: 0 };
    const worstByPhase = new Map<string, number>(phases.map(([name]) => [name, 0]));
    const phaseAt = (t: number) => phases.filter(([, from]) => from <= t).at(-1)?.[0];
    for (const [router, reports] of byRouter) {
      const steady = reports.filter((r) => r.at >= steadyFrom);
      expect(steady.at(-1)!.at, `${router} still reporting at the end`).toBeGreaterThan(endAt - 3 * REPORT_MS);
      for (const { gapMs, at } of checkRouter(router, reports, steadyFrom)) {
        if (gapMs > worst.gapMs) worst = { router, gapMs };
        const phase = phaseAt(at);
        if (phase) worstByPhase.set(phase, Math.max(worstByPhase.get(phase)!, gapMs));
      }
      // And by cadence: a handover may bring one early report (the new owner's first);
      // two replicas reporting the same router would bring one every cycle.
      const early = steady.filter((r, i) => i > 0 && r.at - steady[i - 1]!.at < REPORT_MS / 2).length;
      expect(early, `${router} reported by two replicas at once`).toBeLessThanOrEqual(3);
      expect(steady.length, `${router} reported by more than one replica`).toBeLessThanOrEqual(Math.ceil((endAt - steadyFrom) / REPORT_MS) + 2);
    }
    const names = fake.received.registrations.map((r) => r.name);
    expect(names.length).toBe(ROUTERS);
    expect(new Set(names).size).toBe(ROUTERS);
    fake.assertNoViolations();
    console.log(
      `cluster handover: ${ROUTERS} routers, report every ${REPORT_MS} ms; longest gap ${worst.gapMs} ms (${worst.router}); by phase: ${[...worstByPhase].map(([p, g]) => `${p} ${g} ms`).join(', ')}`,
    );
    // Nezha marks a node offline after 6 s, Komari after 35 s.
    expect(worst.gapMs).toBeLessThan(6000);
  }, 150_000);
});
