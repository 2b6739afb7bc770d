/**
 * The pure formatter is checked with explicit offsets; the host-zone path is checked for
 * real in child processes started with TZ=Asia/Shanghai, America/New_York and Asia/Kolkata,
 * which run the very module source (transpiled, it imports nothing).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRfc3339 } from '../../src/probes/rfc3339.js';

const AUG = Date.UTC(2026, 7, 17, 8, 0, 5, 123); // 2026-08-17T08:00:05.123Z
const JAN = Date.UTC(2026, 0, 17, 8, 0, 5, 7);

describe('formatRfc3339', () => {
  it.each([
    [AUG, 120, '2026-08-17T10:00:05.123+02:00'],
    [AUG, 480, '2026-08-17T16:00:05.123+08:00'],
    [AUG, -240, '2026-08-17T04:00:05.123-04:00'],
    [AUG, 330, '2026-08-17T13:30:05.123+05:30'],
    [AUG, 0, '2026-08-17T08:00:05.123Z'],
    [JAN, -300, '2026-01-17T03:00:05.007-05:00'],
    [Date.UTC(2026, 11, 31, 22, 30), 120, '2027-01-01T00:30:00.000+02:00'],
  ])('formats %d at offset %d as %s', (ms, offset, text) => {
    expect(formatRfc3339(ms, offset)).toBe(text);
    expect(Date.parse(text)).toBe(ms);
  });
});

describe('localRfc3339 in a real time zone (child process)', () => {
  let dir: string;
  let script: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tikprobe-rfc3339-'));
    const source = readFileSync(new URL('../../src/probes/rfc3339.ts', import.meta.url), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'rfc3339.mjs'), js);
    script = join(dir, 'run.mjs');
    writeFileSync(
      script,
      `import { localRfc3339 } from './rfc3339.mjs';\nconsole.log(JSON.stringify(process.argv.slice(2).map((ms) => localRfc3339(Number(ms)))));\n`,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (tz: string, ...instants: number[]): string[] =>
    JSON.parse(execFileSync(process.execPath, [script, ...instants.map(String)], { env: { ...process.env, TZ: tz }, encoding: 'utf8' })) as string[];

  it('uses +08:00 under TZ=Asia/Shanghai', () => {
    expect(run('Asia/Shanghai', AUG, JAN)).toEqual(['2026-08-17T16:00:05.123+08:00', '2026-01-17T16:00:05.007+08:00']);
  });

  it('uses the DST-dependent offset under TZ=America/New_York', () => {
    expect(run('America/New_York', AUG, JAN)).toEqual(['2026-08-17T04:00:05.123-04:00', '2026-01-17T03:00:05.007-05:00']);
  });

  it('switches offset exactly at the DST change (2026-03-08 07:00Z in New York)', () => {
    const before = Date.UTC(2026, 2, 8, 6, 59, 59, 999);
    const after = Date.UTC(2026, 2, 8, 7, 0, 0, 0);
    expect(run('America/New_York', before, after)).toEqual(['2026-03-08T01:59:59.999-05:00', '2026-03-08T03:00:00.000-04:00']);
  });

  it('keeps half-hour offsets under TZ=Asia/Kolkata', () => {
    expect(run('Asia/Kolkata', AUG)).toEqual(['2026-08-17T13:30:05.123+05:30']);
  });

  it('names the same instant in every zone', () => {
    for (const tz of ['Asia/Shanghai', 'America/New_York', 'UTC']) expect(run(tz, AUG).map((t) => Date.parse(t))).toEqual([AUG]);
  });
});
