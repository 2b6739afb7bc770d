/**
 * Byte counters of the traffic interfaces: one `GET /interface` with a four-field
 * `.proplist` per poll, however many interfaces the router has, filtered here.
 */
import type { InterfaceCounter } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { parseInterfaces } from '../routeros/schemas.js';

export interface InterfaceCounters {
  /** In the order of `names`. */
  counters: InterfaceCounter[];
  /** Names asked for that the router does not have (renamed, or a PPPoE session that is down). */
  missing: string[];
}

export async function collectInterfaceCounters(
  rest: RouterRest,
  signal: AbortSignal,
  names: readonly string[],
): Promise<InterfaceCounters> {
  const reply = await rest.get('interface', { proplist: ['.id', 'name', 'rx-byte', 'tx-byte'], signal });
  const byName = new Map<string, InterfaceCounter>();
  for (const counter of parseInterfaces(reply)) {
    if (!byName.has(counter.name)) byName.set(counter.name, counter);
  }
  const counters: InterfaceCounter[] = [];
  const missing: string[] = [];
  for (const name of new Set(names)) {
    const counter = byName.get(name);
    if (counter) counters.push(counter);
    else missing.push(name);
  }
  return { counters, missing };
}
