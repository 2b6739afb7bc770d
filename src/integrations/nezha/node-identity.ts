/**
 * Which UUID a router's Nezha node has, decided once per router and kept in its state
 * (`nezhaUuid`) so it never moves on its own:
 * 1. `nezha: { uuid }` in the router's config, as given;
 * 2. the UUID saved in the router's state;
 * 3. for a router that already reported to Nezha before UUIDs were saved (its state holds a
 *    Nezha boot time), the name-based UUID it used then, so its node keeps its history;
 * 4. otherwise a new one from the installation id and the device identity (see uuid.ts).
 * A new UUID is written to disk before its first use: the dashboard creates the node on
 * first contact, and a UUID lost in a crash would leave an orphan node behind.
 */
import type { RouterInfo } from '../../model.js';
import type { RouterStateAccess } from '../contract.js';
import { installationNodeUuid, nodeUuid } from './uuid.js';

export interface NodeIdentityDeps {
  routerName: string;
  /** `nezha.uuid` of the router's config, already validated. */
  configured: string | undefined;
  state: RouterStateAccess;
  /** This installation's id (state.dir/installation-id). */
  installationId: () => Promise<string>;
  /** The state as loaded at start held a Nezha boot time: this router reported to Nezha before UUIDs were saved. */
  reportedBefore: boolean;
}

/** Resolves the router's node UUID; rejects only when the state directory cannot be read or written. */
export async function resolveNodeUuid(deps: NodeIdentityDeps, info: RouterInfo): Promise<string> {
  if (deps.configured !== undefined) return deps.configured.toLowerCase();
  const state = deps.state.get();
  if (state.nezhaUuid !== undefined) return state.nezhaUuid;
  const uuid = deps.reportedBefore
      ? nodeUuid(deps.routerName, undefined)
      : installationNodeUuid(await deps.installationId(), info.deviceId, deps.routerName);
  await deps.state.saveNow({ nezhaUuid: uuid });
  return uuid;
}
