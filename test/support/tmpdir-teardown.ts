/**
 * Vitest global setup: every test gets a fresh $TMPDIR, and the run fails if any test left
 * something in it (a test must remove what it creates). The directory is removed either way.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tikprobe-tests-'));
  // Traversable (not listable) by others: the cluster tests run PostgreSQL as its own user
  // with its data directory in here.
  chmodSync(dir, 0o711);
  const previous = process.env.TMPDIR;
  // Forked test workers inherit it, so os.tmpdir() in every test points here.
  process.env.TMPDIR = dir;
  return () => {
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length === 0) return;
    // A teardown error alone leaves vitest's exit code at 0: set it too.
    process.exitCode = 1;
    throw new Error(`the tests left ${left.length} entries in $TMPDIR: ${left.slice(0, 20).join(', ')}`);
  };
}
