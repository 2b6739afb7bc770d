/**
 * What the main thread and a worker thread say to each other (over PortRpc): types, names,
 * and the pure rules both sides apply to them.
 */
import type { Config } from '../config/schema.js';
import type { MetricFamily } from '../metric-family.js';
import type { RouterView } from '../router-view.js';

/** Handed to a worker thread at spawn (`workerData`). */
export interface WorkerInit {
  /** The worker's share of the configuration (see shardConfigs). */
  config: Config;
  index: number;
  count: number;
  version: string;
  /** Log pretty (the main thread's stdout is a TTY). */
  pretty: boolean;
  /** Between two health snapshots, ms. */
  snapshotMs: number;
  /** Between two snapshots that carry the routers' views, ms (a multiple of snapshotMs). */
  viewsMs: number;
  /** How often dirty traffic state is written (default 60 s). */
  stateFlushMs?: number;
}

/** A worker's health every `snapshotMs`, with its routers' views every `viewsMs` and after a reload. */
export interface WorkerSnapshot {
  /** Absent: the views of the previous snapshot still stand. */
  views?: RouterView[];
  /** The worker's Bridge.healthy at `at`. */
  healthy: boolean;
  /** Epoch ms. */
  at: number;
  /** A snapshot older than this means the worker stalled (see staleAfterMs). */
  staleAfterMs: number;
  /** The worker bridge's own status sections (e.g. `load`), sent with the views. Absent: the previous ones stand. */
  sections?: RelayedSection[];
}

/** One status section of a worker's bridge, evaluated in the worker. */
export interface RelayedSection {
  name: string;
  status: unknown;
  metrics: readonly MetricFamily[];
}

/**
 * How old a worker's last snapshot may be before the worker counts as stalled: 3 × the
 * longest report interval of its routers, at least 3 × 5 s. Before the first snapshot, also
 * how long a young thread counts as healthy. Depends only on the routers: computed once per
 * configuration, not per snapshot.
 */
export function staleAfterMs(config: Pick<Config, 'routers'>): number {
  let longest = 5_000;
  for (const r of config.routers) longest = Math.max(longest, r.intervals.report);
  return 3 * longest;
}

/** Main thread → worker calls. */
export const CALL_RELOAD = 'reload';
export const CALL_FLUSH = 'flush';
export const CALL_STOP = 'stop';
/** Worker → main thread notes. */
export const NOTE_READY = 'ready';
export const NOTE_SNAPSHOT = 'snapshot';
export const NOTE_TELEMETRY = 'telemetry';

/**
 * A view without the last sample and the per-integration details: what the systemd notifier
 * needs when no status server reads the views (copying full views between threads costs
 * about as much CPU as polling).
 */
export function slimView(v: RouterView): RouterView {
  return { ...v, lastSample: undefined, extended: undefined, accounting: undefined, parts: [] };
}
