/**
 * Hostile or broken input around the configuration, on the real file system: each gets a
 * clear configuration error within a second, never a hang or a memory spike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ALIASES } from '../../src/config/load.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-hostile-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function config(routerExtra: string, top = ''): string {
  return `version: 1
komari:
  url: https://komari.example.com
${top}routers:
  - name: gw
    url: https://192.168.88.1
    username: monitor
    komari: { token: tok }
${routerExtra}`;
}

async function messagesFor(text: string): Promise<{ messages: string[]; ms: number }> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const t0 = Date.now();
  const err = await loadConfig(file, {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = Date.now() - t0;
  expect(err).toBeInstanceOf(ConfigError);
  return { messages: (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`), ms };
}

describe('hostile files named by the configuration', () => {
  it('a FIFO as passwordFile is refused at once, not waited on', async () => {
    const fifo = join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      console.warn('skipped: mkfifo is not available here');
      return;
    }
    const { messages, ms } = await messagesFor(config(`    passwordFile: ${fifo}\n`));
    expect(messages.join('\n')).toMatch(/passwordFile: cannot read .*not a regular file/);
    expect(ms).toBeLessThan(1000);
  });

  it('/dev/zero as passwordFile is refused before a byte is read', async () => {
    const { messages, ms } = await messagesFor(config('    passwordFile: /dev/zero\n'));
    expect(messages.join('\n')).toMatch(/not a regular file/);
    expect(ms).toBeLessThan(1000);
  });

  it('an oversized secret file is refused with the cap named', async () => {
    const big = join(dir, 'big-secret');
    writeFileSync(big, 'x'.repeat(65 * 1024));
    const { messages } = await messagesFor(config(`    passwordFile: ${big}\n`));
    expect(messages.join('\n')).toMatch(/larger than 64 KiB/);
  });

  it('a secret file reached through a symlink to a regular file is read', async () => {
    const real = join(dir, 'real-secret');
    writeFileSync(real, 'pw\n');
    execFileSync('ln', ['-s', real, join(dir, 'link-secret')]);
    const { messages } = await messagesFor(config(`    passwordFile: ${join(dir, 'link-secret')}\n    concurrency: 1\n`));
    expect(messages.join('\n')).not.toMatch(/\.passwordFile:/);
  });
});

describe('hostile configuration files', () => {
  it.each(['.', '..'])('router name %s is refused', async (name) => {
    const { messages } = await messagesFor(config('    password: pw\n').replace('name: gw', `name: "${name}"`));
    expect(messages).toContain('routers[0].name: must not be "." or ".." (it names the state file)');
  });

  it('an alias bomb is refused within a second', async () => {
    const aliases = '  - *a\n'.repeat(40_000);
    const { messages, ms } = await messagesFor(`version: 1\nx: &a { k: v }\nlist:\n${aliases}`);
    expect(messages.join('\n')).toContain(`more than ${MAX_ALIASES} YAML aliases`);
    expect(ms).toBeLessThan(1000);
  });

  it('a 50 MB file is refused within a second, without reading it all', async () => {
    const { messages, ms } = await messagesFor(`version: 1\n# ${'x'.repeat(50 * 1024 * 1024)}\n`);
    expect(messages.join('\n')).toMatch(/larger than 1 MiB/);
    expect(ms).toBeLessThan(1000);
  });
});
