/**
 * Byte counters of the traffic interfaces: one `POST /interface/print` per poll with a
 * four-field `.proplist` and a `.query` that selects the traffic interfaces by name, so the
 * reply holds only those rows: a router with 300 VLANs or 2 000 PPPoE sessions costs the same
 * few hundred bytes per cycle as one with five ports. Filtered here again (a router that
 * ignored the query would only cost bytes, never wrong numbers).
 */
import type { InterfaceCounter } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { parseInterfaces } from '../routeros/schemas.js';
import type { CancelSignal } from '../time/cancel.js';

export interface InterfaceCounters {
  /** In the order of `names`. */
  counters: InterfaceCounter[];
  /** Names asked for that the router does not have (renamed, or a PPPoE session that is down). */
  missing: string[];
}

const PROPLIST = Object.freeze(['.id', 'name', 'rx-byte', 'tx-byte']);

/** `.query` words selecting any of `names`: `name=a`, `name=b`, `#|` (the API query stack). Pure. */
export function nameQuery(names: readonly string[]): string[] {
  const unique = [...new Set(names)];
  return [...unique.map((n) => `name=${n}`), ...unique.slice(1).map(() => '#|')];
}

/**
 * The print body for one list of names, made once per list (a poller keeps its list until the
 * interfaces change) and frozen, so the client serialises it once too.
 */
const printBodies = new WeakMap<readonly string[], Readonly<Record<string, unknown>>>();

function printBody(names: readonly string[]): Readonly<Record<string, unknown>> {
  let body = printBodies.get(names);
  if (body === undefined) {
    body = Object.freeze({ '.proplist': PROPLIST, '.query': Object.freeze(nameQuery(names)) });
    printBodies.set(names, body);
  }
  return body;
}

export async function collectInterfaceCounters(
  rest: RouterRest,
  signal: CancelSignal,
  names: readonly string[],
): Promise<InterfaceCounters> {
  const reply = await rest.post('interface/print', printBody(names), { signal });
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
