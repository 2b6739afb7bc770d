/**
 * Durable state of every router, in one document (document.ts) in `state.dir`:
 *
 * - `routers.state`: the current generation; `routers.state.prev`: the one before it. A save
 *   writes `routers.state.tmp`, fsyncs it, moves the current file to `.prev`, renames the new
 *   one into place and fsyncs the directory: one write however many routers changed.
 * - At start, a router whose entry is unreadable in the current file is taken from the
 *   previous one; only when both are bad does it start from a new baseline, with a warning.
 *   A bad file is renamed `<name>.corrupt-<epochms>`, never overwritten.
 * - State directories of earlier releases (one `<router>.json` per router) load as they are;
 *   after the first write of the document those files are renamed `<router>.json.migrated`.
 * - A directory that disappears is created again on the next write; registrations and totals
 *   are in memory and written whole, so nothing is lost to it.
 *
 * Files are mode 0600 (they may hold a Komari token), the directory 0700.
 */
import { mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, TikprobeError } from '../errors.js';
import { Turns } from '../time/turns.js';
import type { Logger } from '../log.js';
import { fsyncDir, writeSynced } from './atomic-write.js';
import { ioError } from './io.js';
import { DOCUMENT_VERSION, documentText, encodeEntry, ROUTER_NAME } from './document.js';
import { readGenerations } from './generations.js';
import { loadLegacyFiles } from './legacy.js';
import type { RouterState } from './schema.js';

export type { RouterState } from './schema.js';
export { createStateFlusher, type StateFlusher, type StateFlusherOptions } from './flusher.js';

export const DOCUMENT_FILE = 'routers.state';

export interface StateStore {
  /**
   * The router's saved state; undefined when there is none. The document is read once, on
   * the first call. A document written by a newer tikprobe is refused with STATE_IO and kept
   * as it is; saving is refused too, so a downgrade cannot destroy it.
   */
  load(router: string): Promise<RouterState | undefined>;
  /** Sets these routers' states and resolves once a document holding them is on disk. */
  saveMany(states: ReadonlyMap<string, RouterState>): Promise<void>;
  save(router: string, state: RouterState): Promise<void>;
  /** Drops the router's entry from the document (written with the next save). */
  remove?(router: string): Promise<void>;
  /** Every router the directory holds a state for (the document and files of earlier releases), sorted. */
  routers(): Promise<string[]>;
  /** The router's state as last written to disk, for status output. */
  persisted(router: string): RouterState | undefined;
  /** The document's path. */
  readonly path: string;
}

export interface StateStoreOptions {
  /** For notices about unreadable or re-created files; never given file contents. */
  logger?: Logger;
  /** Epoch ms for the name of a moved-aside file. */
  now?: () => number;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** Encoding work between two turns of the event loop. */
const ENCODE_SLICE_MS = 5;

export function createStateStore(dir: string, opts: StateStoreOptions = {}): StateStore {
  return new DocumentStore(dir, opts);
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

class DocumentStore implements StateStore {
  readonly path: string;
  /** Every router's state as it will next be written, encoded. */
  private readonly entries = new Map<string, string>();
  private readonly states = new Map<string, RouterState>();
  private durable = new Map<string, RouterState>();
  private opened: Promise<void> | undefined;
  private refusal: TikprobeError | undefined;
  private legacy: string[] = [];
  private waiting: Waiter[] = [];
  private writing = false;
  private written = false;

  constructor(
    private readonly dir: string,
    private readonly opts: StateStoreOptions,
  ) {
    this.path = join(dir, DOCUMENT_FILE);
  }

  async load(router: string): Promise<RouterState | undefined> {
    checkName(router);
    await this.open();
    if (this.refusal) throw this.refusal;
    return this.states.get(router);
  }

  async routers(): Promise<string[]> {
    await this.open();
    if (this.refusal) throw this.refusal;
    return [...this.states.keys()].sort();
  }

  persisted(router: string): RouterState | undefined {
    return this.durable.get(router);
  }

  save(router: string, state: RouterState): Promise<void> {
    return this.saveMany(new Map([[router, state]]));
  }

  async saveMany(states: ReadonlyMap<string, RouterState>): Promise<void> {
    await this.open();
    if (this.refusal) throw new TikprobeError('STATE_IO', `${this.path} is from a newer tikprobe; not overwriting it`);
    // Each entry is checked to load again (~6 µs): a flush of thousands of routers gives the
    // event loop its turn every few ms instead of holding the fleet's polls for all of them.
    const turns = new Turns(ENCODE_SLICE_MS);
    for (const [router, state] of states) {
      checkName(router);
      const entry = encodeEntry(state);
      if (!entry.ok) throw new TikprobeError('STATE_IO', `refusing to save state for ${router} that would not load again: ${entry.reason}`);
      this.entries.set(router, entry.json);
      this.states.set(router, state);
      if (turns.due()) await turns.take();
    }
    return this.queueWrite();
  }

  async remove(router: string): Promise<void> {
    checkName(router);
    await this.open();
    this.entries.delete(router);
    this.states.delete(router);
    return this.queueWrite();
  }

  private open(): Promise<void> {
    this.opened ??= this.read();
    return this.opened;
  }

  private async read(): Promise<void> {
    const now = this.opts.now ?? Date.now;
    const result = await readGenerations(this.path, { logger: this.opts.logger, now });
    if (result.kind === 'newer') {
      this.refusal = new TikprobeError(
        'STATE_IO',
        `state file ${this.path} is version ${result.version}, written by a newer tikprobe (this one reads version ${DOCUMENT_VERSION}); ` +
          'it is left untouched: upgrade tikprobe, or move the file away to start afresh',
      );
      return;
    }
    const legacy = await loadLegacyFiles(this.dir, new Set(result.routers.keys()), { logger: this.opts.logger, now });
    this.legacy = legacy.migrated;
    for (const [router, state] of [...result.routers, ...legacy.routers]) {
      const entry = encodeEntry(state);
      if (!entry.ok) continue;
      this.entries.set(router, entry.json);
      this.states.set(router, state);
    }
    this.durable = new Map(this.states);
  }

  /** Joins the next write of the whole document; one write at a time, the ones asked meanwhile coalesced into one. */
  private queueWrite(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    // Let the caller's synchronous code finish (and further saves join) before writing.
    await Promise.resolve();
    while (this.waiting.length > 0) {
      const waiters = this.waiting;
      this.waiting = [];
      const snapshot = new Map(this.states);
      try {
        await this.writeDocument(documentText(this.entries));
        this.durable = snapshot;
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.writing = false;
  }

  private async writeDocument(text: string): Promise<void> {
    const tmp = `${this.path}.tmp`;
    try {
      const created = await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      if (created !== undefined && this.written) this.opts.logger?.warn({ dir: this.dir }, 'state directory had disappeared; created it again and wrote every router’s state');
      await writeSynced(tmp, text, FILE_MODE);
      await rename(this.path, `${this.path}.prev`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await rename(tmp, this.path);
      await fsyncDir(this.dir);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw ioError(`cannot write state file ${this.path}`, err);
    }
    this.written = true;
    if (this.legacy.length > 0) await this.retireLegacy();
  }

  /** The per-router files of an earlier release, now in the document: renamed, not deleted. */
  private async retireLegacy(): Promise<void> {
    const files = this.legacy;
    this.legacy = [];
    for (const file of files) {
      await rename(file, `${file}.migrated`).catch((err: unknown) => {
        this.opts.logger?.warn({ path: file, err: errorMessage(err) }, 'could not rename a migrated per-router state file; it is no longer read');
      });
    }
  }
}

function checkName(router: string): void {
  if (!ROUTER_NAME.test(router) || router === '.' || router === '..') {
    throw new TikprobeError('STATE_IO', `not a valid router name for state: ${JSON.stringify(router.slice(0, 80))}`);
  }
}
