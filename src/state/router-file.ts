/**
 * A router's name to its state file. The config already restricts names to
 * `[A-Za-z0-9._-]{1,64}`; this checks again, because a name that escaped the directory
 * would read or overwrite a file that is not ours.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { TikprobeError } from '../errors.js';

const ROUTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export interface RouterFiles {
  /** `<dir>/<router>.json` */
  path: string;
  /** The one temporary name for this router: saves of one router never overlap. */
  tmpPath: string;
}

export function routerFiles(dir: string, router: string): RouterFiles {
  if (!ROUTER_NAME.test(router) || router === '.' || router === '..') {
    throw new TikprobeError('STATE_IO', `not a valid router name for a state file: ${JSON.stringify(router.slice(0, 80))}`);
  }
  const path = join(dir, `${router}.json`);
  if (resolve(dirname(path)) !== resolve(dir) || basename(path) !== `${router}.json`) {
    throw new TikprobeError('STATE_IO', `router name ${JSON.stringify(router)} would leave the state directory`);
  }
  return { path, tmpPath: `${path}.tmp` };
}

/** Where a file that could not be read is moved to, so it is kept for inspection but not retried. */
export function corruptPath(path: string, atMs: number): string {
  return `${path}.corrupt-${atMs}`;
}
