/**
 * Reading the state document at start, with the previous generation as a fallback: a
 * truncated, garbage or wrongly shaped current file costs no router its totals while the
 * previous one holds them. Bad files are moved aside (kept for inspection), with a warning
 * naming the path and the reason, never their contents (they may hold a token).
 */
import type { Logger } from '../log.js';
import { parseDocument } from './document.js';
import { moveAside, readIfThere } from './io.js';
import type { RouterState } from './schema.js';

export type Generations = { kind: 'ok'; routers: Map<string, RouterState> } | { kind: 'newer'; version: number };

interface ReadOptions {
  logger: Logger | undefined;
  now: () => number;
}

export async function readGenerations(path: string, opts: ReadOptions): Promise<Generations> {
  const currentText = await readIfThere(path);
  if (currentText === undefined) {
    // Killed between the two renames of a save: the previous generation is the newest whole one.
    return readPrevious(`${path}.prev`, new Map(), undefined, opts);
  }
  const current = parseDocument(currentText);
  if (current.kind === 'newer') return current;
  if (current.kind === 'ok' && current.bad.size === 0) return { kind: 'ok', routers: current.routers };
  const reason = current.kind === 'unreadable' ? current.reason : `entries of ${[...current.bad.keys()].slice(0, 10).join(', ')} invalid`;
  const movedTo = await moveAside(path, opts.now(), reason);
  opts.logger?.warn({ path, movedTo, reason }, 'state file unreadable; moved aside, reading the previous generation');
  const good = current.kind === 'ok' ? current.routers : new Map<string, RouterState>();
  const needed = current.kind === 'ok' ? new Set(current.bad.keys()) : undefined;
  return readPrevious(`${path}.prev`, good, needed, opts);
}

/**
 * Completes `good` from the previous generation: every router in it when the current file
 * was unreadable or missing (`needed` undefined), else only the routers in `needed`.
 */
async function readPrevious(path: string, good: Map<string, RouterState>, needed: Set<string> | undefined, opts: ReadOptions): Promise<Generations> {
  const text = await readIfThere(path);
  const missing = new Set(needed ?? []);
  if (text !== undefined) {
    const prev = parseDocument(text);
    if (prev.kind === 'newer') return prev;
    if (prev.kind === 'ok') {
      for (const [router, state] of prev.routers) {
        if (needed !== undefined && !needed.has(router)) continue;
        good.set(router, state);
        missing.delete(router);
        if (needed !== undefined) opts.logger?.warn({ router, path }, 'state of this router taken from the previous generation');
      }
    }
    if (prev.kind === 'ok') for (const router of prev.bad.keys()) if (!good.has(router)) missing.add(router);
    if (prev.kind !== 'ok' && needed === undefined) {
      opts.logger?.warn({ path }, 'both state generations unreadable: every router starts from a new baseline (totals from 0, registrations asked again); the bad files are kept beside the state');
    }
    if (prev.kind !== 'ok' || prev.bad.size > 0) {
      const reason = prev.kind === 'unreadable' ? prev.reason : 'invalid entries';
      const movedTo = await moveAside(path, opts.now(), reason);
      opts.logger?.warn({ path, movedTo, reason }, 'previous state generation unreadable too; moved aside');
    }
  }
  for (const router of missing) {
    opts.logger?.warn({ router }, 'state of this router unreadable in both generations: it starts from a new baseline (totals from 0, registration asked again); the bad files are kept beside the state');
  }
  return { kind: 'ok', routers: good };
}
