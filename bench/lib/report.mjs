/** Printing tables and writing results to bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** An aligned text table; numbers right-aligned. */
export function table(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined || c === null ? '–' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number' || /^[-+]?[\d.,]+(\s?\S+)?%?$/.test(String(r[i] ?? ''))));
  return cells.map((r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/**
 * Writes `<name>-<timestamp>.json` and, for a full run only, `<name>-latest.json` (the
 * committed figures); returns the first path.
 */
export function writeResult(name, result, { latest = true } = {}) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(RESULTS_DIR, `${name}-${stamp}.json`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(file, text);
  if (latest) writeFileSync(join(RESULTS_DIR, `${name}-latest.json`), text);
  return file;
}

export function verdict(ok) {
  return ok ? 'PASS' : 'FAIL';
}

export function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
