import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeType, renderConfigDocs } from '../../src/config/docs.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('docs/configuration.md', () => {
  it('is the output of the generator for the current schema (regenerate: npm run build && node scripts/gen-config-docs.mjs)', () => {
    const committed = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    // toBe on the whole text: a stale file shows as a readable diff of the changed rows.
    expect(committed).toBe(renderConfigDocs());
  });

  it('lists every key with its range and default, including the status server', () => {
    const text = renderConfigDocs();
    expect(text).toContain('| `status.listen` | text | **required** |');
    expect(text).toContain('| `status.token` | text, at least 16 characters |');
    expect(text).toContain('| `intervals.report` | duration, 1s–30s | `5s` |');
    expect(text).toContain('| `concurrency` | integer 1–10000 | `32` |');
    expect(text).toMatch(/\| `username` \| text \| \*\*required\*\* \| yes \|/);
    expect(text).toMatch(/\| `name` \| .* \| \*\*required\*\* \| no \|/);
  });

  it('spells value shapes in words and escapes table pipes', () => {
    expect(describeType({ type: 'string', enum: ['a', 'b'] })).toBe('`a` | `b`');
    expect(describeType({ anyOf: [{ type: 'string', const: 'auto' }, { type: 'array', items: { type: 'string' } }] })).toBe('`"auto"` or list of text');
    expect(describeType({ type: 'integer', minimum: 1 })).toBe('integer ≥ 1');
    expect(renderConfigDocs()).toContain('`trace` \\| `debug`');
  });
});
