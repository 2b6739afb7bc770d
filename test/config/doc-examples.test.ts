/**
 * Every YAML block in README.md and docs/*.md that is a whole configuration (it has
 * `version:` and `routers:`) goes through the real loader, so a documented example can never
 * again be invalid. Unset variables and secret files absent here are allowed; nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface Block {
  file: string;
  line: number;
  text: string;
}

function yamlBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    const body: string[] = [];
    for (i = start; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ file, line: start, text: body.join('\n') });
  }
  return out;
}

const FULL = DOCS.flatMap(yamlBlocks).filter((b) => /^version:/m.test(b.text) && /^routers:/m.test(b.text));

/** What a documented example may lack here: its variables and the files it names. */
const ALLOWED = [/environment variable \w+ is not set/, /cannot read/, /no such file/i];

describe('documented configurations load', () => {
  it('finds the README example', () => {
    expect(FULL.some((b) => b.file === 'README.md')).toBe(true);
  });

  it.each(FULL.map((b) => [`${b.file}:${b.line}`, b] as const))('%s', async (_where, block) => {
    const problems = await loadConfigText(block.text, `/etc/tikprobe/${block.file.replace('/', '-')}.yaml`, {}, {
      cwd: '/',
      readFile: async (path) => {
        throw Object.assign(new Error(`ENOENT: no such file ${path}`), { code: 'ENOENT' });
      },
    }).then(
      () => [],
      (e: unknown) => {
        if (!(e instanceof ConfigError)) throw e;
        return e.issues.map((i) => `${i.line ?? '-'} ${i.path}: ${i.message}`).filter((m) => !ALLOWED.some((re) => re.test(m)));
      },
    );
    expect(problems).toEqual([]);
  });
});
