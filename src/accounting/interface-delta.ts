/**
 * Per-interface byte deltas between two observations. Pure, bigint arithmetic.
 *
 * A delta is never negative: any sign that the counter started again from 0 (router restart,
 * a new `.id` under the same name, a counter lower than before) makes the new value itself
 * the delta, because that is the traffic counted since the restart.
 */
import type { InterfaceCounter } from '../model.js';

/** The last counters seen on one interface; bigints as decimal strings so they persist as JSON. */
export interface CounterEntry {
  id: string;
  rx: string;
  tx: string;
}

/**
 * - `baseline`: first sight of this name; its history is not ours, delta 0.
 * - `normal`: same id, counters did not go down.
 * - `counter-reset`: same id, a counter went down (`/interface/reset-counters`, a client
 *   reconnect that keeps its id).
 * - `recreated`: same name, new id (a PPPoE session is a new interface from 0).
 * - `router-restarted`: the router rebooted, so every counter started at 0.
 */
export type CounterChange = 'baseline' | 'normal' | 'counter-reset' | 'recreated' | 'router-restarted';

export interface CounterDelta {
  rx: bigint;
  tx: bigint;
  change: CounterChange;
}

export function counterDelta(prev: CounterEntry | undefined, cur: InterfaceCounter, routerRestarted: boolean): CounterDelta {
  const rx = nonNegative(cur.rxBytes);
  const tx = nonNegative(cur.txBytes);
  if (!prev) return { rx: 0n, tx: 0n, change: 'baseline' };
  if (prev.id !== cur.id) return { rx, tx, change: 'recreated' };
  if (routerRestarted) return { rx, tx, change: 'router-restarted' };
  const prevRx = BigInt(prev.rx);
  const prevTx = BigInt(prev.tx);
  // Each direction on its own: a decrease in one must not hide the growth of the other.
  const dRx = rx >= prevRx ? rx - prevRx : rx;
  const dTx = tx >= prevTx ? tx - prevTx : tx;
  const change = rx < prevRx || tx < prevTx ? 'counter-reset' : 'normal';
  return { rx: dRx, tx: dTx, change };
}

export function toEntry(cur: InterfaceCounter): CounterEntry {
  return { id: cur.id, rx: nonNegative(cur.rxBytes).toString(), tx: nonNegative(cur.txBytes).toString() };
}

export interface InterfacesStep {
  interfaces: Record<string, CounterEntry>;
  rxBytes: bigint;
  txBytes: bigint;
  /** Interfaces whose counters did anything but the normal, by name. */
  changes: Array<{ name: string; change: Exclude<CounterChange, 'normal'>; previousId?: string; id: string }>;
}

/**
 * All observed interfaces against the previous entries.
 *
 * An interface absent from this observation (a PPPoE client that is down) keeps its last
 * entry, so when it returns with the same id the normal delta counts the traffic in between.
 * If the router restarted meanwhile, its kept counters are set to 0: the router's counters
 * restarted too, and when the interface returns its whole new value is traffic since then.
 */
export function measureInterfaces(
  prev: Record<string, CounterEntry>,
  counters: readonly InterfaceCounter[],
  routerRestarted: boolean,
): InterfacesStep {
  // A Map, turned into a record at the end: an interface could be named "__proto__".
  const interfaces = new Map<string, CounterEntry>();
  for (const [name, entry] of Object.entries(prev)) {
    interfaces.set(name, routerRestarted ? { id: entry.id, rx: '0', tx: '0' } : entry);
  }
  let rxBytes = 0n;
  let txBytes = 0n;
  const changes: InterfacesStep['changes'] = [];
  const seen = new Set<string>();
  for (const cur of counters) {
    // RouterOS names are unique; a duplicate would be measured twice against one entry.
    if (seen.has(cur.name)) continue;
    seen.add(cur.name);
    const before = Object.hasOwn(prev, cur.name) ? prev[cur.name] : undefined;
    const delta = counterDelta(before, cur, routerRestarted);
    rxBytes += delta.rx;
    txBytes += delta.tx;
    interfaces.set(cur.name, toEntry(cur));
    if (delta.change !== 'normal') {
      changes.push({ name: cur.name, change: delta.change, id: cur.id, ...(before ? { previousId: before.id } : {}) });
    }
  }
  return { interfaces: Object.fromEntries(interfaces), rxBytes, txBytes, changes };
}

function nonNegative(v: bigint): bigint {
  return v < 0n ? 0n : v;
}
