/**
 * The built CLI with a Komari that accepts connections and never answers: a dashboard's
 * fault is not tikprobe's, so the healthy router keeps its cadence, /healthz stays 200, the
 * systemd watchdog keeps being fed, and SIGTERM still exits 0 within the deadline with the
 * state on disk (one SIGTERM, or two 1 s apart).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRouterFake, type RouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const PASSWORD = 's3cret-pass';

let router: { fake: RouterFake; server: MswServer };
let silent: Server;
let silentPort: number;
const held: Socket[] = [];
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const fake = createRouterFake({ state: { identity: 'healthy' } });
  router = { fake, server: await serveMsw(fake.handlers) };
  // Accepts every connection, reads what comes, answers nothing.
  silent = createServer((socket) => {
    held.push(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  silentPort = (silent.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-hang-'));
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((done) => silent.close(done));
  await router.server.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

function config(name: string, statusPort: number): { file: string; stateDir: string } {
  const stateDir = join(dir, `state-${name}`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `version: 1
komari:
  url: http://127.0.0.1:${silentPort}
  timeout: 30s
state:
  dir: ${stateDir}
status:
  listen: 127.0.0.1:${statusPort}
defaults:
  username: tikprobe
  password: \${ROUTER_PASSWORD}
  timeout: 500ms
  intervals: { report: 1s }
routers:
  - name: healthy
    url: ${router.server.url}
    komari: { token: HangA1b2C3d4E5f6G7h8I9j0 }
  - name: unreachable
    url: http://127.0.0.1:1
    komari: { token: HangB1b2C3d4E5f6G7h8I9j0 }
`,
  );
  return { file, stateDir };
}

function start(file: string, env: Record<string, string> = {}): { exit: Promise<number | null>; output: () => string } {
  let out = '';
  child = spawn(process.execPath, [CLI, 'run', '--config', file], {
    env: { PATH: process.env.PATH ?? '', ROUTER_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => {
    out += String(d);
  });
  child.stderr!.on('data', (d) => {
    out += String(d);
  });
  const exit = new Promise<number | null>((done) => child!.on('exit', (code) => done(code)));
  return { exit, output: () => out };
}

/** The healthy router's saved traffic totals, from the state document. */
function savedTotals(stateDir: string): unknown {
  const doc = JSON.parse(readFileSync(join(stateDir, 'routers.state'), 'utf8')) as { routers: Record<string, { traffic?: { totalDownBytes: string } }> };
  return doc.routers.healthy?.traffic?.totalDownBytes;
}

async function healthz(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status;
}

describe('a Komari that never answers (built CLI)', () => {
  it('leaves the healthy router on its cadence, /healthz green and the watchdog fed; one SIGTERM exits 0 with the state saved', async () => {
    const dgram = createRequire(import.meta.url)('unix-dgram') as {
      createSocket(type: 'unix_dgram', onMessage: (msg: Buffer) => void): { bind(path: string): void; close(): void };
    };
    const socketPath = join(dir, 'notify.sock');
    const messages: string[] = [];
    const notify = dgram.createSocket('unix_dgram', (msg) => messages.push(String(msg)));
    notify.bind(socketPath);
    try {
      const port = await freePort();
      const { file, stateDir } = config('one', port);
      const run = start(file, { NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '2000000' });
      await vi.waitFor(() => expect(held.length).toBeGreaterThan(0), { timeout: 10_000, interval: 50 });
      const polls0 = router.fake.count('GET', 'system/resource');
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 500));
        codes.push(await healthz(port));
      }
      const polls = router.fake.count('GET', 'system/resource') - polls0;
      // 6 s at a 1 s cadence: about 6 polls, however long Komari keeps every request.
      if (polls < 5) console.log(run.output());
      expect(polls).toBeGreaterThanOrEqual(5);
      expect(codes.every((c) => c === 200)).toBe(true);
      expect(messages.filter((m) => m === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(4);
      const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { routers: { name: string; integrations?: { integration: string; sending: boolean }[] }[] };
      const healthy = status.routers.find((r) => r.name === 'healthy');
      expect(healthy?.integrations?.[0]).toMatchObject({ integration: 'komari', sending: true });

      const stopAt = Date.now();
      child!.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      expect(Date.now() - stopAt).toBeLessThan(5000);
      expect(savedTotals(stateDir)).toBeDefined();
      expect(run.output()).not.toContain(PASSWORD);
    } finally {
      notify.close();
    }
  });

  it('a second signal while stopping is absorbed: exit 0 within the deadline, state saved', async () => {
    const port = await freePort();
    const { file, stateDir } = config('two', port);
    const run = start(file);
    const polls0 = router.fake.count('GET', 'system/resource');
    await vi.waitFor(() => expect(router.fake.count('GET', 'system/resource') - polls0).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 50 });
    const stopAt = Date.now();
    // Two different signals, so the kernel cannot merge them: both reach the process while it stops.
    child!.kill('SIGTERM');
    child!.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5000);
    expect(run.output()).toContain('already stopping; the signal is absorbed');
    expect(savedTotals(stateDir)).toBeDefined();
  });
});
