/**
 * Where a router's Komari registration (from auto-discovery) is kept across restarts. The
 * composition root wires it to the durable state store.
 *
 * Contract: `save` resolves only once the credentials are durable (a later `load`, also
 * after a restart, returns them); it rejects when they could not be written. `load`
 * rejects when the state could not be read, which is not the same as "never registered".
 */
import type { KomariCredentials } from './client.js';

export interface TokenStore {
  load(router: string): Promise<KomariCredentials | undefined>;
  save(router: string, creds: KomariCredentials): Promise<void>;
}
