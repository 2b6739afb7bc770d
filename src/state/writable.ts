import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage, TikprobeError } from '../errors.js';

/** Exit code of `run` when state.dir cannot be written at start (sysexits EX_CANTCREAT). */
export const EXIT_CANTCREAT = 73;

/** state.dir cannot be created or written at start: the daemon exits with EXIT_CANTCREAT. */
export class StateDirError extends TikprobeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STATE_IO', message, options);
    this.name = 'StateDirError';
  }
}

/** Fails start-up at once (not a minute later at the first flush) when state cannot be kept. */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdirWithCause(dir);
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new StateDirError(`state.dir ${dir} is not writable (${errorMessage(err)}); totals and registrations are kept there (exit ${EXIT_CANTCREAT})`, { cause: err });
  }
}

/**
 * mkdir -p whose error names the real cause: Node's recursive mkdir reports ENOENT for any
 * failure (a read-only filesystem or an unwritable parent included), so on ENOENT each
 * missing level is created on its own, which fails with the true errno (EROFS, EACCES, ENOTDIR).
 */
async function mkdirWithCause(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const levels: string[] = [];
    for (let p = dir; dirname(p) !== p; p = dirname(p)) levels.unshift(p);
    for (const level of levels) {
      await mkdir(level, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
    }
  }
}
