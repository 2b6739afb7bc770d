/**
 * The built CLI as a user runs it: a child process of `node dist/cli.js` against RouterOS
 * and Komari fakes on loopback ports. Needs `npm run build` first (npm test does it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKomariFake, type KomariFake } from '../fakes/komari.js';
import { createRouterFake, type RouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const PASSWORD = 's3cret-pass';
const TOKENS = ['E2eA1b2C3d4E5f6G7h8I9j0', 'E2eB1b2C3d4E5f6G7h8I9j0'];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ROUTER_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
  });
  child.stderr!.on('data', (d) => {
    err += String(d);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

let routers: { fake: RouterFake; server: MswServer }[] = [];
let komari: KomariFake;
let komariServer: MswServer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  for (let i = 0; i < 2; i++) {
    const fake = createRouterFake({ state: { identity: `e2e-${i}` } });
    routers.push({ fake, server: await serveMsw(fake.handlers) });
  }
  komari = createKomariFake({ tokens: { [TOKENS[0]!]: 'e2e-0', [TOKENS[1]!]: 'e2e-1' } });
  komariServer = await serveMsw(komari.handlers);
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-e2e-'));
});

afterAll(async () => {
  await Promise.all([...routers.map((r) => r.server.close()), komariServer.close()]);
  routers = [];
  rmSync(dir, { recursive: true, force: true });
});

let current: Run | undefined;
afterEach(() => {
  current?.child.kill('SIGKILL');
  current = undefined;
});

function writeConfig(name: string, extra = ''): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `version: 1
komari:
  url: ${komariServer.url}
state:
  dir: ${join(dir, `state-${name}`)}
defaults:
  username: tikprobe
  password: \${ROUTER_PASSWORD}
  timeout: 500ms
  intervals: { report: 1s }
routers:
${routers.map((r, i) => `  - name: e2e-${i}\n    url: ${r.server.url}\n    komari: { token: ${TOKENS[i]} }${extra}`).join('\n')}
`,
  );
  return file;
}

describe('tikprobe CLI (built)', () => {
  it('run: reports every router at its cadence with its numbers, then exits 0 on SIGTERM', async () => {
    const file = writeConfig('run.yaml');
    current = runCli(['run', '--config', file]);
    await vi.waitFor(
      () => {
        for (const token of TOKENS) {
          expect(komari.received.reports.filter((r) => r.token === token).length).toBeGreaterThanOrEqual(4);
        }
      },
      { timeout: 15_000, interval: 100 },
    );
    const mine = komari.received.reports.filter((r) => r.token === TOKENS[0]);
    const gaps = mine.slice(1).map((r, i) => r.at - mine[i]!.at);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(600);
      expect(gap).toBeLessThan(1600);
    }
    const body = mine.at(-1)!.body as { cpu: { usage: number }; ram: { total: number }; uptime: number };
    expect(body.cpu.usage).toBe(7);
    expect(body.ram.total).toBe(1073741824);
    expect(body.uptime).toBe(4360);
    expect(komari.received.basicInfo.some((b) => b.token === TOKENS[1])).toBe(true);
    expect(komari.refused).toEqual([]);

    const started = Date.now();
    current.child.kill('SIGTERM');
    const { code } = await current.exit;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    const output = current.stdout() + current.stderr();
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toContain(PASSWORD);
    for (const t of TOKENS) expect(output).not.toContain(t);
  });

  it('run: SIGTERM during the first poll still exits 0 promptly', async () => {
    routers[0]!.fake.fault('system/resource', 'timeout');
    try {
      const hung = routers[0]!.fake.nextHang();
      current = runCli(['run', '--config', writeConfig('sigterm.yaml')]);
      await hung;
      const started = Date.now();
      current.child.kill('SIGTERM');
      expect((await current.exit).code).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      routers[0]!.fake.clearFaults();
      routers[0]!.fake.releaseHangs();
    }
  });

  it('run: SIGHUP applies a valid new file and rejects an invalid one, keeping the running config', async () => {
    const file = writeConfig('reload.yaml');
    current = runCli(['run', '--config', file]);
    await vi.waitFor(() => expect(current!.stdout()).toContain('"msg":"bridge started"'), { timeout: 10_000, interval: 50 });
    writeFileSync(file, 'version: 1\nroutrs: []\n');
    current.child.kill('SIGHUP');
    await vi.waitFor(() => expect(current!.stdout()).toContain('new configuration rejected'), { timeout: 10_000, interval: 50 });
    writeConfig('reload.yaml', '\n    publicIp: none');
    current.child.kill('SIGHUP');
    await vi.waitFor(() => expect(current!.stdout()).toContain('"msg":"configuration reloaded"'), { timeout: 10_000, interval: 50 });
    expect(current.stdout()).toContain('"changed":["e2e-0","e2e-1"]');
    const before = komari.received.reports.length;
    await vi.waitFor(() => expect(komari.received.reports.length).toBeGreaterThan(before + 1), { timeout: 10_000, interval: 50 });
    current.child.kill('SIGTERM');
    expect((await current.exit).code).toBe(0);
  });

  it('run: a SIGHUP with a FIFO secret, an alias bomb or a huge file is rejected at once and the daemon keeps reporting', async () => {
    const file = writeConfig('hostile.yaml');
    const fifo = join(dir, 'hostile-fifo');
    execFileSync('mkfifo', [fifo]);
    current = runCli(['run', '--config', file]);
    await vi.waitFor(() => expect(current!.stdout()).toContain('"msg":"bridge started"'), { timeout: 10_000, interval: 50 });
    const hostile = [
      readFileSync(writeConfig('hostile.yaml'), 'utf8').replace(`password: ${'$'}{ROUTER_PASSWORD}`, `passwordFile: ${fifo}`),
      `version: 1\nx: &a { k: v }\nlist:\n${'  - *a\n'.repeat(40_000)}`,
      `version: 1\n# ${'x'.repeat(50 * 1024 * 1024)}\n`,
    ];
    for (const [i, text] of hostile.entries()) {
      writeFileSync(file, text);
      current.child.kill('SIGHUP');
      const t0 = Date.now();
      await vi.waitFor(() => expect(current!.stdout().split('new configuration rejected').length - 1).toBe(i + 1), { timeout: 5_000, interval: 20 });
      expect(Date.now() - t0).toBeLessThan(1500);
      // The next report of the running configuration is on time (report interval 1 s).
      const before = komari.received.reports.length;
      await vi.waitFor(() => expect(komari.received.reports.length).toBeGreaterThan(before), { timeout: 2_500, interval: 20 });
    }
    current.child.kill('SIGTERM');
    expect((await current.exit).code).toBe(0);
  });

  it('run: speaks sd_notify on a fake NOTIFY_SOCKET (READY, WATCHDOG, RELOADING, STOPPING)', async () => {
    const dgram = createRequire(import.meta.url)('unix-dgram') as {
      createSocket(type: 'unix_dgram', onMessage: (msg: Buffer) => void): { bind(path: string): void; close(): void };
    };
    const socketPath = join(dir, 'notify.sock');
    const messages: string[] = [];
    const server = dgram.createSocket('unix_dgram', (msg) => messages.push(String(msg)));
    server.bind(socketPath);
    try {
      current = runCli(['run', '--config', writeConfig('notify.yaml')], { NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '1000000' });
      await vi.waitFor(() => expect(messages.some((m) => m.startsWith('READY=1'))).toBe(true), { timeout: 10_000, interval: 50 });
      await vi.waitFor(() => expect(messages).toContain('WATCHDOG=1'), { timeout: 10_000, interval: 50 });
      current.child.kill('SIGHUP');
      await vi.waitFor(() => expect(messages.filter((m) => m.startsWith('READY=1')).length).toBe(2), { timeout: 10_000, interval: 50 });
      expect(messages.some((m) => m.startsWith('RELOADING=1\nMONOTONIC_USEC='))).toBe(true);
      current.child.kill('SIGTERM');
      expect((await current.exit).code).toBe(0);
      expect(messages).toContain('STOPPING=1');
      expect(messages.find((m) => m.startsWith('READY=1'))).toMatch(/STATUS=\d of 2 router\(s\) up/);
    } finally {
      server.close();
    }
  });

  it('run: a configuration error exits 78 with file:line messages and starts nothing', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nkomari:\n  url: http://127.0.0.1:1\nroutrs: []\n');
    current = runCli(['run', '--config', file]);
    const { code } = await current.exit;
    expect(code).toBe(78);
    expect(current.stderr()).toMatch(/bad\.yaml:4: unknown key "routrs" \(did you mean "routers"\?\)/);
    expect(current.stderr()).toContain("nothing was started");
  });

  it('once: prints one JSON line per router with real rates and sends nothing', async () => {
    const file = writeConfig('once.yaml');
    const reportsBefore = komari.received.reports.length;
    current = runCli(['once', '--config', file]);
    const { code } = await current.exit;
    expect(code).toBe(0);
    const lines = current.stdout().trim().split('\n').map((l) => JSON.parse(l) as { router: string; report: { uptime: number }; basicInfo: { os: string } });
    expect(lines.map((l) => l.router).sort()).toEqual(['e2e-0', 'e2e-1']);
    expect(lines[0]!.report.uptime).toBe(4360);
    expect(lines[0]!.basicInfo.os).toBe('RouterOS 7.20.5 (stable)');
    expect(komari.received.reports.length).toBe(reportsBefore);
  });

  it('check: a table, exit 0 when every router and token works, 1 when one password is wrong', async () => {
    const good = runCli(['check', '--config', writeConfig('check.yaml')]);
    current = good;
    expect((await good.exit).code).toBe(0);
    expect(good.stdout()).toContain('token accepted');
    expect(good.stdout()).toContain('all 2 router(s) OK');

    const bad = runCli(['check', '--config', writeConfig('check-bad.yaml')], { ROUTER_PASSWORD: 'wrong-password' });
    current = bad;
    expect((await bad.exit).code).toBe(1);
    expect(bad.stdout()).toContain('ROUTER_AUTH');
    expect(bad.stdout()).not.toContain('wrong-password');
  });

  it('schema, --version and --help', async () => {
    const schema = runCli(['schema']);
    expect((await schema.exit).code).toBe(0);
    const parsed = JSON.parse(schema.stdout()) as { properties: Record<string, unknown> };
    expect(Object.keys(parsed.properties)).toEqual(expect.arrayContaining(['version', 'komari', 'routers', 'defaults']));
    const version = runCli(['--version']);
    expect((await version.exit).code).toBe(0);
    expect(version.stdout().trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = runCli(['--help']);
    expect((await help.exit).code).toBe(0);
    expect(help.stdout()).toContain('tikprobe run');
  });
});
