/**
 * A large reply written in slices. /status and /metrics of a fleet of thousands are tens of
 * megabytes built from every router (34 MB and 15 MB at 5 000 routers, each ~1 s of CPU): built
 * in one go they stopped the event loop for that long, and every poll due meanwhile was late.
 * Here the body comes from a generator of text pieces, the event loop gets its turn after
 * every slice of work (a few ms), and the reply is sent chunked as it is made: the CPU is the
 * same, but a scrape holds the fleet's polls back by a slice at most, or by the one piece made
 * in one go (the fleet's views, one group of metric families: ~0.1 s at 5 000 routers).
 */
import type { ServerResponse } from 'node:http';
import { Turns } from '../time/turns.js';

export interface PacedOptions {
  /** Work between two turns of the event loop (default 5 ms). */
  sliceMs?: number;
  /** Text gathered before a write (default 64 KiB of characters). */
  chunkChars?: number;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
}

const SLICE_MS = 5;
const CHUNK_CHARS = 64 * 1024;

/**
 * Sends `pieces` as the body of a 200 reply. HEAD gets the headers alone and no
 * piece is made. A client that goes away stops the generator; one that reads slowly is waited
 * for (the reply never buffers more than a chunk ahead of the socket). Rejects when a piece
 * cannot be made: the caller answers 500 if nothing was sent yet, else can only cut the
 * connection.
 */
export async function sendPaced(res: ServerResponse, contentType: string, pieces: Iterable<string>, options: PacedOptions = {}): Promise<void> {
  const sliceMs = options.sliceMs ?? SLICE_MS;
  const chunkChars = options.chunkChars ?? CHUNK_CHARS;
  replyHead(res, 200, contentType);
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  let gathered: string[] = [];
  let size = 0;
  const turns = new Turns(sliceMs, options.now);
  const write = async (): Promise<void> => {
    if (size === 0) return;
    const text = gathered.join('');
    gathered = [];
    size = 0;
    if (!res.write(text)) await drained(res);
  };
  for (const piece of pieces) {
    if (res.destroyed) return;
    gathered.push(piece);
    size += piece.length;
    if (size >= chunkChars) await write();
    if (turns.due()) {
      await write();
      await turns.take();
    }
  }
  await write();
  if (!res.destroyed) res.end();
}

/** The status, content type and the headers every answer of the status server carries. */
export function replyHead(res: ServerResponse, status: number, contentType: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
}

/** Resolves when the socket takes more, or when the reply is closed (then nothing more is written). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
