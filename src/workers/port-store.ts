/**
 * The state store as a worker thread sees it: the same interface as the file store and the
 * cluster's PostgreSQL store, each call answered by the main thread's one store (one
 * document in state.dir, its write order and durability rules unchanged). `serveStore` is
 * the main thread's side.
 */
import type { RouterState } from '../state/schema.js';
import type { StateStore } from '../state/store.js';
import type { PortRpc } from './rpc.js';

/** What the worker's state cache and flusher use of a store. */
export interface WorkerStore {
  load(router: string): Promise<RouterState | undefined>;
  save(router: string, state: RouterState): Promise<void>;
  saveMany(states: ReadonlyMap<string, RouterState>): Promise<void>;
  /** The router's state as last written through this store (or loaded), for /status. */
  persisted(router: string): RouterState | undefined;
}

export const STORE_LOAD = 'store.load';
export const STORE_SAVE = 'store.saveMany';

export class PortStateStore implements WorkerStore {
  private readonly durable = new Map<string, RouterState>();

  constructor(private readonly rpc: Pick<PortRpc, 'call'>) {}

  async load(router: string): Promise<RouterState | undefined> {
    const state = await this.rpc.call<RouterState | undefined>(STORE_LOAD, router);
    if (state !== undefined) this.durable.set(router, state);
    return state;
  }

  save(router: string, state: RouterState): Promise<void> {
    return this.saveMany(new Map([[router, state]]));
  }

  async saveMany(states: ReadonlyMap<string, RouterState>): Promise<void> {
    const snapshot = new Map(states);
    await this.rpc.call<void>(STORE_SAVE, snapshot);
    for (const [router, state] of snapshot) this.durable.set(router, state);
  }

  persisted(router: string): RouterState | undefined {
    return this.durable.get(router);
  }
}

/** The main thread's answers to a worker's store calls. */
export function serveStore(store: Pick<StateStore, 'load' | 'saveMany'>): Record<string, (arg: never) => Promise<unknown>> {
  return {
    [STORE_LOAD]: (router: string) => store.load(router),
    [STORE_SAVE]: (states: ReadonlyMap<string, RouterState>) => store.saveMany(states),
  };
}
