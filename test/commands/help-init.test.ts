import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { main } from '../../src/commands/dispatch.js';
import { STARTER_CONFIG } from '../../src/commands/init.js';

const dir = mkdtempSync(join(tmpdir(), 'tikprobe-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number | 'running'; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(
    argv,
    {},
    (t) => {
      out += `${t}\n`;
    },
    (t) => {
      err += `${t}\n`;
    },
  );
  return { code, out, err };
}

describe('--help for every command', () => {
  it.each(['run', 'check', 'once', 'schema', 'init', 'simulate', 'demo'])('tikprobe %s --help: exit 0, that command’s usage', async (command) => {
    for (const flag of ['--help', '-h']) {
      const got = await cli([command, flag]);
      expect(got.code).toBe(0);
      expect(got.out).toMatch(new RegExp(`^Usage: tikprobe ${command}\\b`));
      expect(got.err).toBe('');
    }
  });

  it('the overview names init and per-command help', async () => {
    const got = await cli(['--help']);
    expect(got.out).toMatch(/tikprobe init/);
    expect(got.out).toMatch(/<command> --help/);
  });
});

describe('tikprobe init', () => {
  it('writes a starter config that loads once its variables are set, and prints the RouterOS commands', async () => {
    const file = join(dir, 'tikprobe.yaml');
    const got = await cli(['init', '--output', file]);
    expect(got.code).toBe(0);
    expect(got.out).toContain('/user group add name=tikprobe policy=read,api,rest-api,test');
    expect(readFileSync(file, 'utf8')).toBe(STARTER_CONFIG);
    const config = await loadConfigText(STARTER_CONFIG, file, { ROUTER_PASSWORD: 'pw', HOME_GW_TOKEN: 'tok' });
    expect(config.routers.map((r) => r.name)).toEqual(['home-gw']);
  });

  it('never overwrites a file without --force', async () => {
    const file = join(dir, 'existing.yaml');
    writeFileSync(file, 'mine');
    const got = await cli(['init', '-o', file]);
    expect(got.code).toBe(1);
    expect(got.out).toMatch(/already exists; nothing was written/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect((await cli(['init', '-o', file, '--force'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(STARTER_CONFIG);
  });
});
