/**
 * The seam between the bridge and where routers come from and state goes: one process with
 * files (every configured router, state in state.dir), or a cluster replica (the routers
 * whose buckets it holds, state in PostgreSQL at the held epoch).
 */
import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { RouterState } from '../state/schema.js';
import { bucketOf } from './buckets.js';
import { Coordinator, type FencingView, type HandoverEvent, type HandoverTotals, type OwnershipChange } from './coordinator.js';
import { PgStateStore } from './pg-state.js';

/** Durable per-router state, wherever it lives. */
export interface StateBackend {
  load(router: string): Promise<RouterState | undefined>;
  save(router: string, state: RouterState): Promise<void>;
  /** Saves several routers' states (the batched flush). */
  saveMany(states: ReadonlyMap<string, RouterState>): Promise<void>;
}

/** The routers this process acts on; told of every change. */
export interface OwnedRouters {
  /**
   * Called with the new set before buckets are released (the listener stops those
   * routers and saves their state; release waits for it) and after buckets are acquired.
   */
  onChange(listener: (owns: (router: string) => boolean, change: OwnershipChange) => Promise<void>): void;
  /** Whether this process owns `router` now. */
  owns(router: string): boolean;
}

/** What /status and /metrics show of this replica's part in the cluster. */
export interface ClusterView {
  memberId: string;
  /** Live members this replica sees (itself included). */
  members: readonly string[];
  /** Buckets held. */
  buckets: number;
  /** The most recent handover events, oldest first. */
  events: readonly HandoverEvent[];
  totals: HandoverTotals;
  stateWrites: number;
  /** State writes refused by fencing (and dropped). */
  stateWritesRefused: number;
  fencing: FencingView;
}

export interface Cluster {
  store: StateBackend;
  owned: OwnedRouters;
  view(): ClusterView;
  /** Joins and takes this replica's buckets (the listener is called before it resolves). */
  start(): Promise<void>;
  /** Planned leave: the listener stops and saves everything, then the buckets are released. */
  stop(): Promise<void>;
}

export function defaultMemberId(env: Record<string, string | undefined>): string {
  const name = env.HOSTNAME?.trim() || `${hostname()}-${process.pid}`;
  return name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
}

export function createCluster(cluster: NonNullable<Config['cluster']>, logger: Logger, env = process.env): Cluster {
  const coordinator = new Coordinator({
    url: cluster.postgres,
    memberId: cluster.memberId ?? defaultMemberId(env),
    heartbeatMs: cluster.heartbeat,
    deadAfterMs: cluster.deadAfter,
    logger: logger.child({ component: 'cluster' }),
  });
  const store = new PgStateStore(cluster.postgres, coordinator, logger.child({ component: 'cluster-state' }));
  return {
    store,
    owned: {
      onChange: (listener) => coordinator.onChange((buckets, change) => listener((router) => buckets.has(bucketOf(router)), change)),
      owns: (router) => coordinator.owned().has(bucketOf(router)),
    },
    view: () => ({
      memberId: coordinator.memberId,
      members: coordinator.liveMembers(),
      buckets: coordinator.owned().size,
      events: coordinator.events,
      totals: coordinator.totals,
      stateWrites: store.writes,
      stateWritesRefused: store.refused,
      fencing: coordinator.fencing(),
    }),
    start: () => coordinator.start(),
    async stop() {
      await coordinator.stop();
      await store.close();
    },
  };
}
