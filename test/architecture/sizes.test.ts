import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script of the project's tooling, without type declarations
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, sizeViolations } from '../../scripts/check-size.mjs';

/** `count` numbered statement lines, each indented by `indent`. */
function statements(count: number, indent: string): string {
  return Array.from({ length: count }, (_, i) => `${indent}total += ${i};`).join('\n');
}

/** A function spanning exactly `lines` lines (header and closing brace included). */
function declaration(name: string, lines: number): string {
  return `export function ${name}(): number {\n  let total = 0;\n${statements(lines - 4, '  ')}\n  return total;\n}\n`;
}

describe('the size checker (scripts/check-size.mjs)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tikprobe-sizes-'));
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'long-file.ts'), `${statements(MAX_FILE_LINES + 1, '')}\n`);
    writeFileSync(join(dir, 'at-limit-file.ts'), `${statements(MAX_FILE_LINES, '')}\n`);
    writeFileSync(join(dir, 'nested', 'functions.ts'), [declaration('tooLong', MAX_FUNCTION_LINES + 1), declaration('atLimit', MAX_FUNCTION_LINES)].join('\n'));
    const arrowBody = statements(MAX_FUNCTION_LINES - 2, '  ');
    writeFileSync(join(dir, 'arrow.ts'), `export const longArrow = () => {\n  let total = 0;\n${arrowBody}\n};\n`);
    writeFileSync(join(dir, 'notes.md'), `${statements(MAX_FILE_LINES + 10, '')}\n`);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports a file one line over the limit, and not one at the limit', () => {
    const found: string[] = sizeViolations(dir);
    expect(found).toContain(`long-file.ts: ${MAX_FILE_LINES + 1} lines (max ${MAX_FILE_LINES})`);
    expect(found.filter((line) => line.startsWith('at-limit-file.ts'))).toEqual([]);
  });

  it('reports a function one line over the limit by file, line and name, and not one at the limit', () => {
    const found: string[] = sizeViolations(dir);
    expect(found).toContain(`${join('nested', 'functions.ts')}:1 tooLong: ${MAX_FUNCTION_LINES + 1} lines (max ${MAX_FUNCTION_LINES})`);
    expect(found.filter((line) => line.includes('atLimit'))).toEqual([]);
  });

  it('names an arrow function by its variable, and reads only .ts files', () => {
    const found: string[] = sizeViolations(dir);
    expect(found).toContain(`arrow.ts:1 longArrow: ${MAX_FUNCTION_LINES + 1} lines (max ${MAX_FUNCTION_LINES})`);
    expect(found.filter((line) => line.startsWith('notes.md'))).toEqual([]);
    expect(found).toHaveLength(3);
  });
});
