/**
 * `tikprobe check` as the one command to run when something is wrong: problems outside the
 * routers are reported too, each with exit non-zero.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/commands/check.js';
import { stateDirCheck } from '../../src/commands/check-bridge.js';
import { loadConfigText } from '../../src/config/load.js';
import { createKomariFake } from '../fakes/komari.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

const GOOD = 'CheckGood1b2C3d4E5f6G7h8';
let komariServer: MswServer;
let dir: string;
let closedPort: number;

beforeAll(async () => {
  komariServer = await serveMsw(createKomariFake({ tokens: { [GOOD]: 'n1' } }).handlers);
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-check-'));
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closedPort = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
});
afterAll(async () => {
  await komariServer.close();
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

async function check(text: string): Promise<{ ok: boolean; out: string }> {
  const config = await loadConfigText(text, join(dir, 'tikprobe.yaml'), { ROUTER_PASSWORD: 'pw' });
  let out = '';
  const ok = await runCheck({ config, version: 'test', out: (t) => (out += `${t}\n`) });
  return { ok, out };
}

function config(extraTop: string, routers: { name: string; token: string }[]): string {
  return `version: 1
komari:
  url: ${komariServer.url}
${extraTop}defaults:
  username: u
  password: \${ROUTER_PASSWORD}
  timeout: 500ms
routers:
${routers.map((r) => `  - name: ${r.name}\n    url: http://127.0.0.1:${closedPort}\n    komari: { token: ${r.token} }`).join('\n')}
`;
}

describe('tikprobe check beyond the routers', () => {
  it('checks the Komari token of a router that fails, and reports a bad one', async () => {
    const got = await check(config('', [{ name: 'bad-token', token: 'WrongToken123456' }]));
    expect(got.ok).toBe(false);
    expect(got.out).toMatch(/bad-token komari: KOMARI_AUTH/);
  });

  it('reports two routers sharing one token', async () => {
    const got = await check(config('', [{ name: 'a', token: GOOD }, { name: 'b', token: GOOD }]));
    expect(got.ok).toBe(false);
    expect(got.out).toMatch(/komari tokens\s+FAIL a, b share one token/);
    expect(got.out).not.toContain(GOOD);
  });

  it('reports an unreachable Nezha dashboard', async () => {
    const got = await check(config(`nezha:\n  server: 127.0.0.1:${closedPort}\n  tls: false\n  secret: s\n`, [{ name: 'a', token: GOOD }]));
    expect(got.ok).toBe(false);
    expect(got.out).toMatch(/nezha\s+FAIL 127\.0\.0\.1:\d+ unreachable \(ECONNREFUSED\)/);
  });

  it('reports a status address already taken', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const got = await check(config(`status:\n  listen: 127.0.0.1:${port}\n`, [{ name: 'a', token: GOOD }]));
      expect(got.ok).toBe(false);
      expect(got.out).toMatch(/status\.listen\s+FAIL .*EADDRINUSE/);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('reports a state.dir that cannot be a directory (a file is in its way)', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const got = await check(config(`state:\n  dir: ${join(file, 'state')}\n`, [{ name: 'a', token: GOOD }]));
    expect(got.ok).toBe(false);
    expect(got.out).toMatch(/state\.dir\s+FAIL .*a-file is not a directory/);
  });

  it('reports an unwritable state.dir', async () => {
    if (process.getuid?.() === 0) {
      console.warn('skipped: root may write any directory, so an unwritable state.dir cannot be made here');
      return;
    }
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      expect((await stateDirCheck(join(locked, 'state'))).ok).toBe(false);
      const got = await check(config(`state:\n  dir: ${join(locked, 'state')}\n`, [{ name: 'a', token: GOOD }]));
      expect(got.ok).toBe(false);
      expect(got.out).toMatch(/state\.dir\s+FAIL .*locked is not writable/);
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});
