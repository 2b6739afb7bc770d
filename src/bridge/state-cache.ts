/**
 * The in-memory copy of every router's durable state, in front of the store. Traffic
 * totals change every cycle and are written by the flusher at a slow cadence; a Komari
 * registration is written at once, before the token is ever used.
 */
import type { TrafficState } from '../accounting/traffic.js';
import type { RouterStateAccess } from '../integrations/contract.js';
import type { RouterState, StateStore } from '../state/store.js';

export interface DirtyMarker {
  mark(router: string, state: RouterState): void;
  /** Writes now, replacing anything marked but not yet flushed for this router. */
  saveNow(router: string, state: RouterState): Promise<void>;
}

export class RouterStateCache {
  private readonly states = new Map<string, RouterState>();

  constructor(
    private readonly store: Pick<StateStore, 'load'>,
    private readonly flusher: DirtyMarker,
  ) {}

  /** Loads a router's state from disk once; later calls return the cached copy. */
  async load(router: string): Promise<RouterState> {
    const cached = this.states.get(router);
    if (cached) return cached;
    const loaded = (await this.store.load(router)) ?? { version: 1 };
    this.states.set(router, loaded);
    return loaded;
  }

  peek(router: string): RouterState | undefined {
    return this.states.get(router);
  }

  setTraffic(router: string, traffic: TrafficState): void {
    this.update(router, { traffic });
  }

  /** Changes fields of a router's state; written by the next batched flush. */
  update(router: string, patch: Partial<RouterState>): void {
    const next: RouterState = { ...(this.states.get(router) ?? { version: 1 }), ...patch };
    this.states.set(router, next);
    this.flusher.mark(router, next);
  }

  /** Changes fields and resolves once they are on disk (e.g. a Komari registration, before its first use). */
  async saveNow(router: string, patch: Partial<RouterState>): Promise<void> {
    const next: RouterState = { ...(this.states.get(router) ?? { version: 1 }), ...patch };
    // Through the flusher, so an older pending write (without this change) cannot land after it.
    this.states.set(router, next);
    await this.flusher.saveNow(router, next);
  }

  /** One router's state as an integration sees it (load it first). */
  access(router: string): RouterStateAccess {
    return {
      get: () => this.states.get(router) ?? { version: 1 },
      update: (patch) => this.update(router, patch),
      saveNow: (patch) => this.saveNow(router, patch),
    };
  }

  forget(router: string): void {
    this.states.delete(router);
  }
}
