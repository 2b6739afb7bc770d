/**
 * The in-memory copy of every router's durable state, in front of the store. Traffic
 * totals change every cycle and are written by the flusher at a slow cadence; a Komari
 * registration is written at once, before the token is ever used.
 */
import type { TrafficState } from '../accounting/traffic.js';
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
    const next: RouterState = { ...(this.states.get(router) ?? { version: 1 }), traffic };
    this.states.set(router, next);
    this.flusher.mark(router, next);
  }

  /** The boot time last told to Nezha (sync: the router's state is loaded before its sinks exist). */
  nezhaBootTime(router: string): number | undefined {
    return this.states.get(router)?.nezhaBootTimeS;
  }

  setNezhaBootTime(router: string, bootTimeS: number): void {
    const next: RouterState = { ...(this.states.get(router) ?? { version: 1 }), nezhaBootTimeS: bootTimeS };
    this.states.set(router, next);
    this.flusher.mark(router, next);
  }

  /** Persists a Komari registration immediately; resolves only once it is on disk. */
  async saveKomari(router: string, komari: { uuid: string; token: string }): Promise<void> {
    const next: RouterState = { ...(this.states.get(router) ?? { version: 1 }), komari };
    // Through the flusher, so an older pending write (without the registration) cannot land after it.
    this.states.set(router, next);
    await this.flusher.saveNow(router, next);
  }

  forget(router: string): void {
    this.states.delete(router);
  }
}
