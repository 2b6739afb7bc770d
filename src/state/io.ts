/** Small file helpers of the state store: errors that name the path and the errno, never contents. */
import { readFile, rename } from 'node:fs/promises';
import { errorMessage, TikprobeError } from '../errors.js';

/** A STATE_IO error naming the path and the system error code (never file contents). */
export function ioError(what: string, err: unknown): TikprobeError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new TikprobeError('STATE_IO', `${what}: ${code ?? errorMessage(err)}`, { cause: err });
}

/** Reads a file; undefined when it does not exist. Other errors are STATE_IO naming the path. */
export async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(`cannot read state file ${path}`, err);
  }
}

/** Where a file that could not be read is moved to, so it is kept for inspection but never overwritten. */
export function corruptPath(path: string, atMs: number): string {
  return `${path}.corrupt-${atMs}`;
}

/** Moves an unreadable file aside; the new name, or throws STATE_IO when it cannot be moved. */
export async function moveAside(path: string, atMs: number, reason: string): Promise<string> {
  const target = corruptPath(path, atMs);
  try {
    await rename(path, target);
  } catch (err) {
    throw ioError(`state file ${path} is unreadable (${reason}) and could not be moved aside`, err);
  }
  return target;
}
