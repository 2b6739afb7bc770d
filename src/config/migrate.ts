/**
 * Configuration versions. Version 1 is the only one so far; when version 2 arrives, a step
 * from 1 to 2 goes into UPGRADES and old files keep loading. Steps must keep keys where they
 * were written (or the line numbers in messages point elsewhere). Pure.
 */
import { kindOf } from './issue-text.js';

export const CONFIG_VERSION = 1;

type Document = Record<string, unknown>;

/** `UPGRADES.get(n)` turns a version-n document into version n+1. */
const UPGRADES: ReadonlyMap<number, (doc: Document) => Document> = new Map();

/** Why this `version:` cannot be loaded, or undefined when it can. */
export function versionProblem(version: unknown): string | undefined {
  if (version === undefined) return `missing: the file starts with "version: ${CONFIG_VERSION}"`;
  if (typeof version !== 'number' || !Number.isInteger(version)) return `must be the number ${CONFIG_VERSION} (got ${kindOf(version)})`;
  if (version > CONFIG_VERSION)
    return `version ${version} is not supported: this tikprobe reads version ${CONFIG_VERSION} (a newer tikprobe may read it)`;
  if (version !== CONFIG_VERSION && !UPGRADES.has(version))
    return `version ${version} is not a tikprobe configuration version (write version: ${CONFIG_VERSION})`;
  return undefined;
}

/** The document brought to the current version; call only when versionProblem() found none. */
export function migrate(doc: Document): Document {
  let current = doc;
  for (let v = Number(doc.version); v < CONFIG_VERSION; v++) {
    const step = UPGRADES.get(v);
    if (!step) break;
    current = step(current);
  }
  return current;
}
