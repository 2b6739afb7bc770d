/**
 * This installation's random identity: a UUID kept in `<state.dir>/installation-id`, made on
 * first use. It travels with the state directory (a move to another machine keeps it) and
 * differs between two installations, so identities derived from it (the Nezha node UUID) do
 * not collide when two tikprobes report a router of the same name to one dashboard.
 *
 * The file is created atomically and never replaced: when two processes race on a fresh
 * directory, the one that loses reads the winner's id.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './atomic-write.js';

export const INSTALLATION_ID_FILE = 'installation-id';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function readId(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim().toLowerCase();
    if (UUID_TEXT.test(text)) return text;
    throw new Error(`${path} does not hold a UUID; restore it from a backup of the state directory, or delete it to start a new installation identity (every Nezha node UUID not yet saved per router changes)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes a fresh id to a temporary file (synced), then hard-links it to the final name: the
 * link either appears complete or fails with EEXIST, so a crash never leaves a half-written
 * id and a concurrent creator never overwrites one. Undefined when another process won.
 */
async function createId(path: string, dir: string): Promise<string | undefined> {
  const id = randomUUID();
  const tmpPath = `${path}.${process.pid}.${id.slice(0, 8)}.tmp`;
  const handle = await open(tmpPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(`${id}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmpPath, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    await unlink(tmpPath).catch(() => undefined);
  }
  await fsyncDir(dir);
  return id;
}

/** The installation id of state directory `dir`, created on first call. Rejects on I/O errors. */
export async function loadInstallationId(dir: string): Promise<string> {
  const path = join(dir, INSTALLATION_ID_FILE);
  const existing = await readId(path);
  if (existing !== undefined) return existing;
  const created = await createId(path, dir);
  if (created !== undefined) return created;
  const raced = await readId(path);
  if (raced === undefined) throw new Error(`${path} vanished while it was being read`);
  return raced;
}
