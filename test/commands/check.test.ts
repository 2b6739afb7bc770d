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
import { startNezhaFake } from '../fakes/nezha.js';
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

function config(extraTop: string, routers: { name: string; token: string; extra?: string }[]): string {
  return `version: 1
komari:
  url: ${komariServer.url}
${extraTop}defaults:
  username: u
  password: \${ROUTER_PASSWORD}
  timeout: 500ms
routers:
${routers.map((r) => `  - name: ${r.name}\n    url: http://127.0.0.1:${closedPort}\n    komari: { token: ${r.token} }${r.extra ?? ''}`).join('\n')}
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

describe('tikprobe check asks Nezha about the agent secret without reporting', () => {
  const SECRET = 'NezhaAgentSecret0123456789abcdef';
  const NODE = '5d0a3b6e-2f1c-5a4b-9c8d-7e6f5a4b3c2d';
  const nezhaTop = (address: string, secret: string, tls = false) => `nezha:\n  server: ${address}\n  tls: ${tls}\n  secret: ${secret}\n`;
  const withNode = [{ name: 'a', token: GOOD, extra: `\n    nezha: { uuid: ${NODE} }` }];

  it('says accepted for the right secret, and the dashboard got no Host, State or GeoIP', async () => {
    const fake = await startNezhaFake({ secret: SECRET });
    try {
      const got = await check(config(nezhaTop(fake.address, SECRET), withNode));
      expect(got.out).toMatch(/nezha secret\s+OK accepted/);
      expect(fake.calls.map((c) => c.method)).toEqual(['IOStream']);
      expect(fake.calls[0]!.uuid).toBe(NODE);
      expect(fake.hosts.size + fake.states.size + fake.geoips.size).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('fails on a refused secret, with the fix and without echoing the secret', async () => {
    const fake = await startNezhaFake({ secret: SECRET });
    try {
      const wrong = 'NotTheSecret0123456789abcdefghij';
      const got = await check(config(nezhaTop(fake.address, wrong), withNode));
      expect(got.ok).toBe(false);
      expect(got.out).toMatch(/nezha secret\s+FAIL refused \(UNAUTHENTICATED: .*\): copy the agent secret/);
      expect(got.out).not.toContain(wrong);
      expect(fake.authFailures).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('does not ask (so registers nothing) while no router has a node yet', async () => {
    const fake = await startNezhaFake({ secret: SECRET });
    try {
      const got = await check(config(nezhaTop(fake.address, SECRET), [{ name: 'a', token: GOOD }]));
      expect(got.out).toMatch(/nezha secret\s+OK not asked yet: no router has a Nezha node/);
      expect(fake.calls).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('fails with the tls hint when the port answers but not with gRPC over TLS', async () => {
    const fake = await startNezhaFake({ secret: SECRET });
    try {
      const got = await check(config(nezhaTop(fake.address, SECRET, true), withNode));
      expect(got.ok).toBe(false);
      expect(got.out).toMatch(/nezha secret\s+FAIL no gRPC answer \(UNAVAILABLE: .*\): set nezha.tls to match/);
    } finally {
      await fake.close();
    }
  });
});
