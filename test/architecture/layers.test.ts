import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script of the project's tooling, without type declarations
import { cycles, importGraph, violations } from '../../scripts/check-imports.mjs';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

describe('the import graph of src/', () => {
  it('points one way, toward pure code: no upward import, no integration importing another, no cycle', () => {
    expect(violations(importGraph(SRC))).toEqual([]);
  });

  it('the checker itself finds an upward import, a cross-integration import and a cycle', () => {
    const graph = new Map<string, string[]>([
      ['model.ts', ['bridge/bridge.ts']],
      ['bridge/bridge.ts', ['model.ts']],
      ['integrations/komari/index.ts', ['integrations/nezha/payload.ts', 'integrations/contract.ts']],
      ['integrations/nezha/payload.ts', []],
      ['integrations/contract.ts', []],
    ]);
    const found: string[] = violations(graph);
    expect(found).toContain('model.ts -> bridge/bridge.ts: upward (model is below bridge)');
    expect(found).toContain('integrations/komari/index.ts -> integrations/nezha/payload.ts: one integration imports another');
    expect(found.some((line) => line.startsWith('cycle: bridge/bridge.ts -> model.ts'))).toBe(true);
    expect(found.filter((l) => l.includes('contract.ts'))).toEqual([]);
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });
});

describe('the size of src/', () => {
  it('has no file over 300 lines and no function over 60', async () => {
    // @ts-expect-error: a plain ESM script of the project's tooling, without type declarations
    const { sizeViolations } = await import('../../scripts/check-size.mjs');
    expect(sizeViolations(SRC)).toEqual([]);
  });
});
