/**
 * Crash-safe replacement of a small file: after a crash or power cut at any point, the file
 * holds either its old or its new content, never a mix. Write a temporary file in the same
 * directory (rename is only atomic within one filesystem), fsync it so its data is on disk
 * before it gets the name, rename it over the target, then fsync the directory so the rename
 * itself survives a power cut.
 */
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeFileAtomic(path: string, data: string, opts: { tmpPath: string; mode: number }): Promise<void> {
  await writeSynced(opts.tmpPath, data, opts.mode);
  try {
    await rename(opts.tmpPath, path);
  } catch (err) {
    await unlink(opts.tmpPath).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

/** Writes `data` to `tmpPath` and fsyncs it; on failure the partial file is removed. */
export async function writeSynced(tmpPath: string, data: string, mode: number): Promise<void> {
  // O_NOFOLLOW: a symlink planted at the temporary name is refused rather than written through.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(tmpPath, flags, mode);
  try {
    try {
      // A temporary file left by an earlier crash keeps its old mode: set it again.
      await handle.chmod(mode);
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    // A full disk leaves a partial temporary file: it would hold the space the next try needs.
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
}

/** Filesystems and platforms that cannot fsync a directory say so with these codes. */
const DIR_SYNC_UNSUPPORTED = new Set(['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP', 'EBADF']);

export async function fsyncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (err) {
    if (!DIR_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}
