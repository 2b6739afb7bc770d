/**
 * The in-memory copy of every router's durable state, in front of the store. Traffic
 * totals change every cycle and are written by the flusher at a slow cadence; a Komari
 * registration is written at once, before the token is ever used.
 */
import type { TrafficState } from '../accounting/traffic.js';
import type { RouterStateAccess } from '../integrations/contract.js';
import type { AccountingView } from '../router-view.js';
import type { RouterState, StateStore } from '../state/store.js';

export interface DirtyMarker {
  /** `urgent`: the accounting changed shape, so the state must reach the disk within seconds. */
  mark(router: string, state: RouterState, urgent?: boolean): void;
  /** Writes now, replacing anything marked but not yet flushed for this router. */
  saveNow(router: string, state: RouterState): Promise<void>;
}

/** Plain numbers for /status; totals as decimal strings (exact); `persisted*` as last written to disk. */
export type AccountingStatus = AccountingView;

export class RouterStateCache {
  private readonly states = new Map<string, RouterState>();

  constructor(
    private readonly store: Pick<StateStore, 'load'> & Partial<Pick<StateStore, 'persisted'>>,
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

  /** The newest accounting; `shapeChanged` (a baseline, reboot, new id or device...) writes it within seconds. */
  setTraffic(router: string, traffic: TrafficState, shapeChanged = false): void {
    this.update(router, { traffic }, shapeChanged);
  }

  /** Changes fields of a router's state; written by the next batched flush (`urgent`: within seconds). */
  update(router: string, patch: Partial<RouterState>, urgent = false): void {
    const next: RouterState = { ...(this.states.get(router) ?? { version: 1 }), ...patch };
    this.states.set(router, next);
    this.flusher.mark(router, next, urgent);
  }

  /** The accounting numbers of one router for /status: identity, last event, totals in memory and on disk. */
  accounting(router: string): AccountingStatus | undefined {
    const traffic = this.states.get(router)?.traffic;
    if (!traffic) return undefined;
    const persisted = this.store.persisted?.(router)?.traffic;
    return {
      deviceId: traffic.deviceId,
      lastEvent: traffic.lastEvent,
      totalUpBytes: traffic.totalUpBytes.toString(),
      totalDownBytes: traffic.totalDownBytes.toString(),
      persistedTotalUpBytes: persisted?.totalUpBytes.toString(),
      persistedTotalDownBytes: persisted?.totalDownBytes.toString(),
      persistedAtMs: persisted?.lastAtMs,
    };
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
