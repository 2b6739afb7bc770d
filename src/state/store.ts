/**
 * Durable per-router state: one JSON file per router, `<dir>/<router>.json`, mode 0600 (it
 * may hold a Komari token), replaced atomically on every save.
 *
 * Saves of one router are queued and coalesced: while one is being written, later saves
 * wait, and only the newest of them is written next (every waiting caller resolves once
 * it is on disk). Different routers are written independently.
 */
import { mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage, TikprobeError } from '../errors.js';
import type { Logger } from '../log.js';
import { fsyncDir, writeFileAtomic } from './atomic-write.js';
import { corruptPath, routerFiles } from './router-file.js';
import { issuePaths, newerVersion, type RouterState, routerStateSchema, STATE_VERSION } from './schema.js';

export type { RouterState } from './schema.js';
export { createStateFlusher, type StateFlusher, type StateFlusherOptions } from './flusher.js';

export interface StateStore {
  /**
   * The router's saved state; undefined when there is none. A file that cannot be parsed or
   * fails validation is moved aside to `<name>.json.corrupt-<epochms>` (with a warning) and
   * undefined returned. A file written by a newer tikprobe is refused with STATE_IO and kept
   * as it is; saving that router is refused too, so a downgrade cannot destroy it.
   */
  load(router: string): Promise<RouterState | undefined>;
  /** Atomically replaces the router's file; resolves once it (or a newer save) is on disk. */
  save(router: string, state: RouterState): Promise<void>;
  /** Deletes the router's file; a missing file is not an error. */
  remove?(router: string): Promise<void>;
}

export interface StateStoreOptions {
  /** For notices about unreadable files; never given file contents. */
  logger?: Logger;
  /** Epoch ms for the name of a moved-aside file. */
  now?: () => number;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export function createStateStore(dir: string, opts: StateStoreOptions = {}): StateStore {
  return new FileStateStore(dir, opts);
}

type Job = { kind: 'write'; json: string } | { kind: 'remove' };

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface RouterQueue {
  /** The newest job not yet started, with everyone waiting for it. */
  next: { job: Job; waiters: Waiter[] } | undefined;
  /** Settles when the queue has drained. */
  drained: Promise<void>;
}

class FileStateStore implements StateStore {
  private readonly queues = new Map<string, RouterQueue>();
  /** Routers whose file is from a newer version: never overwritten by this process. */
  private readonly refused = new Set<string>();
  private dirReady: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly opts: StateStoreOptions,
  ) {}

  async load(router: string): Promise<RouterState | undefined> {
    const { path } = routerFiles(this.dir, router);
    // A save in progress finishes first, so a load never sees the state before it.
    await this.queues.get(router)?.drained;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(`cannot read state file ${path}`, err);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // The parser's message quotes the file's text, which may hold a token: not passed on.
      return this.moveAside(router, path, 'not valid JSON');
    }
    const newer = newerVersion(raw);
    if (newer !== undefined) {
      this.refused.add(router);
      throw new TikprobeError(
        'STATE_IO',
        `state file ${path} is version ${newer}, written by a newer tikprobe (this one reads version ${STATE_VERSION}); ` +
          'it is left untouched: upgrade tikprobe, or move the file away to start this router afresh',
      );
    }
    const parsed = routerStateSchema.safeParse(raw);
    if (!parsed.success) return this.moveAside(router, path, `invalid at ${issuePaths(parsed.error)}`);
    this.refused.delete(router);
    return parsed.data;
  }

  async save(router: string, state: RouterState): Promise<void> {
    const { path } = routerFiles(this.dir, router);
    this.assertWritable(router, path);
    const parsed = routerStateSchema.safeParse(state);
    if (!parsed.success) {
      throw new TikprobeError('STATE_IO', `refusing to save state for ${router} that would not load again: invalid at ${issuePaths(parsed.error)}`);
    }
    // Serialised now, so a caller changing its object afterwards cannot change what is written.
    return this.enqueue(router, { kind: 'write', json: `${JSON.stringify(state, null, 2)}\n` });
  }

  async remove(router: string): Promise<void> {
    const { path } = routerFiles(this.dir, router);
    this.assertWritable(router, path);
    return this.enqueue(router, { kind: 'remove' });
  }

  private assertWritable(router: string, path: string): void {
    if (this.refused.has(router)) {
      throw new TikprobeError('STATE_IO', `state file ${path} is from a newer tikprobe; not overwriting it`);
    }
  }

  private enqueue(router: string, job: Job): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      const queue = this.queues.get(router);
      if (queue) {
        // Last one wins: a job not yet started is replaced, and its callers wait for this one.
        if (queue.next) {
          queue.next.job = job;
          queue.next.waiters.push(waiter);
        } else {
          queue.next = { job, waiters: [waiter] };
        }
        return;
      }
      const fresh: RouterQueue = { next: { job, waiters: [waiter] }, drained: Promise.resolve() };
      this.queues.set(router, fresh);
      fresh.drained = this.drain(router, fresh);
    });
  }

  /** Runs one router's jobs one after the other until none is left. Never rejects. */
  private async drain(router: string, queue: RouterQueue): Promise<void> {
    // Let the caller's synchronous code finish (and further saves queue up) before writing.
    await Promise.resolve();
    while (queue.next) {
      const { job, waiters } = queue.next;
      queue.next = undefined;
      try {
        await this.run(router, job);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.queues.delete(router);
  }

  private async run(router: string, job: Job): Promise<void> {
    const { path, tmpPath } = routerFiles(this.dir, router);
    if (job.kind === 'remove') {
      try {
        await unlink(path);
        await fsyncDir(dirname(path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`cannot remove state file ${path}`, err);
      }
      return;
    }
    await this.ensureDir();
    try {
      await writeFileAtomic(path, job.json, { tmpPath, mode: FILE_MODE });
    } catch (err) {
      throw ioError(`cannot write state file ${path}`, err);
    }
  }

  private ensureDir(): Promise<void> {
    this.dirReady ??= mkdir(this.dir, { recursive: true, mode: DIR_MODE }).then(
      () => undefined,
      (err: unknown) => {
        this.dirReady = undefined; // try again on the next save
        throw ioError(`cannot create state directory ${this.dir}`, err);
      },
    );
    return this.dirReady;
  }

  private async moveAside(router: string, path: string, reason: string): Promise<undefined> {
    const target = corruptPath(path, (this.opts.now ?? Date.now)());
    try {
      await rename(path, target);
    } catch (err) {
      throw ioError(`state file ${path} is unreadable (${reason}) and could not be moved aside`, err);
    }
    this.opts.logger?.warn({ router, path, movedTo: target, reason }, 'state file unreadable; moved aside, this router starts afresh');
    return undefined;
  }
}

/** A STATE_IO error naming the path and the system error code (never file contents). */
function ioError(what: string, err: unknown): TikprobeError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new TikprobeError('STATE_IO', `${what}: ${code ?? errorMessage(err)}`, { cause: err });
}
