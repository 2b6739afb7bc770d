import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { errorMessage, TikprobeError } from '../errors.js';

/** Fails start-up at once (not a minute later at the first flush) when state cannot be kept. */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new TikprobeError('STATE_IO', `state.dir ${dir} is not writable (${errorMessage(err)}); totals and registrations are kept there`);
  }
}
