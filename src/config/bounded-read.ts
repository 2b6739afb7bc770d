/**
 * Reads a file the configuration names without trusting it: only a regular file (a symlink is
 * followed, so `/run/secrets/*` links to regular files work), opened non-blocking so a FIFO can
 * never hang the daemon, and at most `maxBytes` (a device such as /dev/zero is refused before
 * a byte is read; a file growing while read stops at the cap).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export const MAX_CONFIG_BYTES = 1024 * 1024;
export const MAX_SECRET_BYTES = 64 * 1024;
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;

/** A read refused by its kind or size; `code` is what readFailureReason() words. */
export class RefusedFile extends Error {
  constructor(
    readonly code: 'ENOTREG' | 'EFBIG',
    readonly maxBytes: number,
  ) {
    super(code);
  }
}

export async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new RefusedFile('ENOTREG', maxBytes);
    if (stat.size > maxBytes) throw new RefusedFile('EFBIG', maxBytes);
    const buf = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length <= maxBytes) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new RefusedFile('EFBIG', maxBytes);
    return buf.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}
