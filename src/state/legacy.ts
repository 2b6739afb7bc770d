/**
 * State directories of earlier releases: one `<router>.json` per router, format version 1
 * (totals as JSON numbers). Read once at start for the routers the document does not hold;
 * the store renames them once the document is on disk.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { ioError, moveAside, readIfThere } from './io.js';
import { issuePaths, newerVersion, type RouterState, routerStateSchema, STATE_VERSION } from './schema.js';

const LEGACY_FILE = /^([A-Za-z0-9._-]{1,64})\.json$/;

export interface LegacyStates {
  routers: Map<string, RouterState>;
  /** Paths of the files read (to be renamed once the document holds them). */
  migrated: string[];
}

export async function loadLegacyFiles(dir: string, inDocument: ReadonlySet<string>, opts: { logger: Logger | undefined; now: () => number }): Promise<LegacyStates> {
  const out: LegacyStates = { routers: new Map(), migrated: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw ioError(`cannot read state directory ${dir}`, err);
  }
  for (const file of names.sort()) {
    const router = LEGACY_FILE.exec(file)?.[1];
    if (router === undefined || router === '.' || router === '..') continue;
    const path = join(dir, file);
    if (inDocument.has(router)) {
      out.migrated.push(path);
      continue;
    }
    const state = await readLegacy(path, router, opts);
    if (state === 'keep') continue;
    out.migrated.push(...(state === undefined ? [] : [path]));
    if (state !== undefined) out.routers.set(router, state);
  }
  return out;
}

async function readLegacy(path: string, router: string, opts: { logger: Logger | undefined; now: () => number }): Promise<RouterState | undefined | 'keep'> {
  const text = await readIfThere(path);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return aside(path, router, 'not valid JSON', opts);
  }
  const newer = newerVersion(raw, STATE_VERSION);
  if (newer !== undefined) {
    opts.logger?.warn({ router, path, version: newer }, 'per-router state file from a newer tikprobe; left untouched and not read');
    return 'keep';
  }
  const parsed = routerStateSchema.safeParse(raw);
  if (!parsed.success) return aside(path, router, `invalid at ${issuePaths(parsed.error)}`, opts);
  return parsed.data;
}

async function aside(path: string, router: string, reason: string, opts: { logger: Logger | undefined; now: () => number }): Promise<undefined> {
  const movedTo = await moveAside(path, opts.now(), reason);
  opts.logger?.warn({ router, path, movedTo, reason }, 'state file unreadable; moved aside, this router starts afresh');
  return undefined;
}
