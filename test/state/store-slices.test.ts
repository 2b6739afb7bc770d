import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseDocument } from '../../src/state/document.js';
import { createStateStore, DOCUMENT_FILE, type RouterState } from '../../src/state/store.js';
import { tempDir } from './support/temp-dir.js';

// Counts the entries encoded, to see where the encoding stood when the event loop had a turn.
const encoded = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/state/document.js', async (original) => {
  const real = await original<typeof import('../../src/state/document.js')>();
  return {
    ...real,
    encodeEntry: (state: RouterState) => {
      encoded.count++;
      return real.encodeEntry(state);
    },
  };
});

function state(n: number): RouterState {
  return {
    version: 1,
    traffic: {
      interfaces: { ether1: { id: '*1', rx: String(1_000_000 + n), tx: String(n) } },
      totalUpBytes: BigInt(n),
      totalDownBytes: BigInt(2 * n),
      lastAtMs: 1_715_000_000_000 + n,
      lastUptimeS: 3_600 + n,
      periodStart: '2024-05-01',
    },
  };
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  encoded.count = 0;
});
afterEach(async () => {
  await cleanup();
});

describe('saving a large fleet', () => {
  it('gives the event loop its turns while it checks the entries, and writes every one', async () => {
    const store = createStateStore(dir);
    await store.routers();
    const fleet = new Map(Array.from({ length: 20_000 }, (_, i) => [`r${i}`, state(i)] as const));
    // Each turn of the loop during the save notes how far the encoding was.
    const seenAt: number[] = [];
    let saving = true;
    const watch = () => {
      if (!saving) return;
      seenAt.push(encoded.count);
      setImmediate(watch);
    };
    setImmediate(watch);
    await store.saveMany(fleet);
    saving = false;
    // Turns came while entries were still being checked (not only during the file write).
    expect(seenAt.some((n) => n > 0 && n < fleet.size)).toBe(true);
    expect(encoded.count).toBe(fleet.size);
    const doc = parseDocument(await readFile(`${dir}/${DOCUMENT_FILE}`, 'utf8'));
    if (doc.kind !== 'ok') throw new Error(`document ${doc.kind}`);
    expect(doc.routers.size).toBe(fleet.size);
    expect(doc.routers.get('r19999')?.traffic?.totalDownBytes).toBe(39_998n);
  });
});
