import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runSimulate } from '@tikprobe/sim/simulate.js';
import { basic } from './helpers.js';

let dir: string;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tikprobe-sim-test-'));
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await rm(dir, { recursive: true, force: true });
});

function peerFingerprint(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('runSimulate', () => {
  it('serves TLS with a generated certificate whose fingerprint the written config pins', async () => {
    const file = join(dir, 'fleet.yaml');
    const lines: string[] = [];
    const sim = await runSimulate({ routers: 3, port: 0, conntrack: 100, tls: true, writeConfig: file, password: 'Secret-Given-1' }, (l) => lines.push(l));
    stops.push(() => sim.stop());

    const config = await loadConfig(file, {});
    expect(config.routers.map((r) => r.name)).toEqual(['sim-0001', 'sim-0002', 'sim-0003']);
    expect(config.routers[2]?.url).toBe(`https://127.0.1.3:${sim.port}`);
    expect(config.routers[0]?.password).toBe('Secret-Given-1');
    const pinned = config.routers[0]?.tls.fingerprint?.replaceAll(':', '').toUpperCase();
    const served = (await peerFingerprint('127.0.1.2', sim.port)).replaceAll(':', '').toUpperCase();
    expect(served).toHaveLength(64);
    expect(pinned).toBe(served);
    // The file holds a password: only its owner may read it.
    expect((await stat(file)).mode & 0o077).toBe(0);
    // The password never reaches the log.
    expect(lines.join('\n')).not.toContain('Secret-Given-1');
    expect(lines.join('\n')).toContain(sim.fingerprint);
  });

  it('points the config at the given Komari URL with one token per router', async () => {
    const file = join(dir, 'fleet.yaml');
    const sim = await runSimulate({ routers: 2, port: 0, conntrack: 0, tls: false, writeConfig: file, komariUrl: 'http://127.0.0.1:25999' }, () => undefined);
    stops.push(() => sim.stop());
    const config = await loadConfig(file, {});
    expect(config.komari?.url).toBe('http://127.0.0.1:25999');
    const tokens = config.routers.map((r) => r.komari.token);
    expect(tokens.every((t) => t !== undefined && /^[A-Za-z0-9]{22}$/.test(t))).toBe(true);
    expect(new Set(tokens).size).toBe(2);
    expect(await readFile(file, 'utf8')).toMatch(/^# tikprobe config for 2 simulated routers/);
  });

  it('exposes per-router request counters at its stats URL', async () => {
    const sim = await runSimulate({ routers: 2, port: 0, conntrack: 10, tls: false }, () => undefined);
    stops.push(() => sim.stop());
    const agent = new Agent();
    stops.push(() => agent.close());
    const r = await request(`${sim.urls[1]}/rest/ip/firewall/connection/tracking`, {
      headers: { authorization: basic('tikprobe', 'tikprobe-sim') },
      dispatcher: agent,
    });
    const body = await r.body.text();
    expect(r.statusCode).toBe(200);
    const stats = (await (await request(`${sim.statsUrl}?router=sim-0002`, { dispatcher: agent })).body.json()) as {
      routers: number;
      requests: number;
      bytes: number;
      perRouter: { paths: Record<string, { requests: number; bytes: number }> }[];
    };
    expect(stats.routers).toBe(1);
    expect(stats.requests).toBe(1);
    expect(stats.perRouter[0]?.paths['GET /rest/ip/firewall/connection/tracking']).toEqual({ requests: 1, bytes: Buffer.byteLength(body) });
  });

  it('stops listening when stopped', async () => {
    const sim = await runSimulate({ routers: 1, port: 0, conntrack: 0, tls: false }, () => undefined);
    await sim.stop();
    await expect(request(`${sim.urls[0]}/rest/system/identity`)).rejects.toThrow();
  });
});
