/**
 * What the main thread and a worker thread say to each other (over PortRpc). Types and
 * names only.
 */
import type { Config } from '../config/schema.js';
import type { RouterView } from '../router-view.js';

/** Handed to a worker thread at spawn (`workerData`). */
export interface WorkerInit {
  /** The worker's share of the configuration (see shardConfig). */
  config: Config;
  index: number;
  count: number;
  version: string;
  /** Log pretty (the main thread's stdout is a TTY). */
  pretty: boolean;
  /** Between two snapshots, ms. */
  snapshotMs: number;
  /** How often dirty traffic state is written (default 60 s). */
  stateFlushMs?: number;
}

/** A worker's view of its routers, sent every `snapshotMs` and after a reload. */
export interface WorkerSnapshot {
  views: RouterView[];
  /** The worker's Bridge.healthy at `at`. */
  healthy: boolean;
  /** Epoch ms. */
  at: number;
  /** A snapshot older than this means the worker stalled: 3 × its longest report interval. */
  staleAfterMs: number;
}

/** Main thread → worker calls. */
export const CALL_RELOAD = 'reload';
export const CALL_FLUSH = 'flush';
export const CALL_STOP = 'stop';
/** Worker → main thread notes. */
export const NOTE_READY = 'ready';
export const NOTE_SNAPSHOT = 'snapshot';
export const NOTE_TELEMETRY = 'telemetry';
