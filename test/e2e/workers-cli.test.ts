/**
 * `workers: 2` through the built CLI: /status joins both workers' routers, SIGHUP reaches
 * the workers (a removed router leaves), SIGTERM stops everything within the 5 s deadline
 * with exit 0 and every router's state in the one document. Needs `npm run build` first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStateStore } from '../../src/state/store.js';
import { fleetYaml, type FleetRouter, PASSWORD } from '../bridge/fleet.js';
import { createKomariFake, type KomariFake } from '../fakes/komari.js';
import { createRouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let routers: FleetRouter[];
let komari: KomariFake;
let komariServer: MswServer;
let dir: string;
let child: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  routers = [];
  for (let i = 0; i < 4; i++) {
    const fake = createRouterFake({ state: { identity: `w${i}` } });
    routers.push({ name: `w${i}`, fake, server: await serveMsw(fake.handlers), token: `Wrk${i}b2C3d4E5f6G7h8I9j0xx` });
  }
  komari = createKomariFake({ tokens: Object.fromEntries(routers.map((r) => [r.token, r.name])) });
  komariServer = await serveMsw(komari.handlers);
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-workers-cli-'));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.all([...routers.map((r) => r.server.close()), komariServer.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('tikprobe run with workers: 2', () => {
  it('serves every router on /status, applies SIGHUP in the workers, stops on SIGTERM in time', async () => {
    const port = await freePort();
    const file = join(dir, 'tikprobe.yaml');
    const write = (list: FleetRouter[]) =>
      writeFileSync(file, fleetYaml(list, komariServer.url, join(dir, 'state'), '800ms', `workers: 2\nlog: { level: error }\nstatus: { listen: '127.0.0.1:${port}' }\n`).replace('report: 5s', 'report: 1s'));
    write(routers);
    child = spawn(process.execPath, [CLI, 'run', '--config', file], { env: { ...process.env, ROUTER_PASSWORD: PASSWORD }, stdio: 'ignore' });
    const status = async () => (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { routers: { name: string; state: string }[]; workers: unknown[] };
    const until = async (what: string, ok: (s: Awaited<ReturnType<typeof status>>) => boolean) => {
      // A bound on waiting, not a timing claim: with the whole suite on 2 cores a request can
      // exceed the routers' 800 ms timeout, and a router that failed its first poll retries
      // after a backoff (seen: 8 s to all 4 up once in 4 full runs).
      for (const end = Date.now() + 15_000; ; await sleep(100)) {
        const s = await status().catch(() => undefined);
        if (s && ok(s)) return s;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      }
    };
    const up = await until('4 routers up', (s) => s.routers.filter((r) => r.state === 'up').length === 4);
    // w0, w1 hash to worker 0 and w2, w3 to worker 1: both threads poll.
    expect(up.workers).toMatchObject([{ routers: 2 }, { routers: 2 }]);
    write(routers.slice(0, 3));
    child.kill('SIGHUP');
    await until('w3 gone after SIGHUP', (s) => s.routers.map((r) => r.name).join() === 'w0,w1,w2');
    const stopAt = Date.now();
    const code = await new Promise<number | null>((res) => {
      child!.once('exit', (c) => res(c));
      child!.kill('SIGTERM');
    });
    child = undefined;
    expect(code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    expect(await createStateStore(join(dir, 'state')).routers()).toEqual(expect.arrayContaining(['w0', 'w1', 'w2', 'w3']));
  }, 45_000);
});
