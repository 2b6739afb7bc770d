import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
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
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new StateDirError(`state.dir ${dir} is not writable (${errorMessage(err)}); totals and registrations are kept there (exit ${EXIT_CANTCREAT})`, { cause: err });
  }
}
