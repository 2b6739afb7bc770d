/**
 * Per-interface byte deltas between two observations. Pure, bigint arithmetic.
 *
 * A delta is never negative. A sign that a counter started again from 0 (the router
 * rebooted, a new `.id` whose counters are below the last ones, a counter lower than before)
 * makes the new value itself the delta, because that is the traffic counted since the
 * restart. Every delta is then checked against what the interface can carry in the elapsed
 * time: one above it is a new baseline, never added.
 */
import type { InterfaceCounter } from '../model.js';
import { isPlausible } from './plausibility.js';

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
 * - `recreated`: same name, new id (a PPPoE session is a new interface from 0). When the new
 *   counters are not below the old ones, they did not restart: the delta continues from the
 *   old values, so the interface's history is never added.
 * - `router-restarted`: the router rebooted, so every counter started at 0.
 * - `implausible`: the delta is more than the link can carry; a new baseline, delta 0.
 */
export type CounterChange = 'baseline' | 'normal' | 'counter-reset' | 'recreated' | 'router-restarted' | 'implausible';

export interface CounterDelta {
  rx: bigint;
  tx: bigint;
  change: CounterChange;
}

export function counterDelta(prev: CounterEntry | undefined, cur: InterfaceCounter, routerRestarted: boolean, ceilingBytes: bigint): CounterDelta {
  const rx = nonNegative(cur.rxBytes);
  const tx = nonNegative(cur.txBytes);
  if (!prev) return { rx: 0n, tx: 0n, change: 'baseline' };
  const prevRx = BigInt(prev.rx);
  const prevTx = BigInt(prev.tx);
  let delta: CounterDelta;
  if (routerRestarted) delta = { rx, tx, change: 'router-restarted' };
  else if (prev.id !== cur.id) {
    const restarted = rx < prevRx || tx < prevTx;
    delta = restarted ? { rx, tx, change: 'recreated' } : { rx: rx - prevRx, tx: tx - prevTx, change: 'recreated' };
  } else {
    // Each direction on its own: a decrease in one must not hide the growth of the other.
    const dRx = rx >= prevRx ? rx - prevRx : rx;
    const dTx = tx >= prevTx ? tx - prevTx : tx;
    delta = { rx: dRx, tx: dTx, change: rx < prevRx || tx < prevTx ? 'counter-reset' : 'normal' };
  }
  if (!isPlausible(delta.rx, ceilingBytes) || !isPlausible(delta.tx, ceilingBytes)) return { rx: 0n, tx: 0n, change: 'implausible' };
  return delta;
}

export function toEntry(cur: InterfaceCounter): CounterEntry {
  return { id: cur.id, rx: nonNegative(cur.rxBytes).toString(), tx: nonNegative(cur.txBytes).toString() };
}

/** Whether a counter of an interface that kept its `.id` went down, and how many such interfaces there are. */
export function counterEvidence(prev: Record<string, CounterEntry>, counters: readonly InterfaceCounter[]): { fell: boolean; comparable: number } {
  let fell = false;
  let comparable = 0;
  for (const cur of counters) {
    const before = Object.hasOwn(prev, cur.name) ? prev[cur.name] : undefined;
    if (!before || before.id !== cur.id) continue;
    comparable++;
    if (cur.rxBytes < BigInt(before.rx) || cur.txBytes < BigInt(before.tx)) fell = true;
  }
  return { fell, comparable };
}

export interface InterfaceChange {
  name: string;
  change: Exclude<CounterChange, 'normal'>;
  previousId?: string;
  id: string;
  /** For `implausible`: the deltas refused and the ceiling they exceeded. */
  refused?: { rx: string; tx: string; ceiling: string };
}

export interface InterfacesStep {
  interfaces: Record<string, CounterEntry>;
  rxBytes: bigint;
  txBytes: bigint;
  /** Interfaces whose counters did anything but the normal, by name. */
  changes: InterfaceChange[];
}

/**
 * All observed interfaces against the previous entries. `ceilingFor` gives the most bytes
 * each interface can carry in this interval.
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
  ceilingFor: (name: string) => bigint,
): InterfacesStep {
  // A Map, turned into a record at the end: an interface could be named "__proto__".
  const interfaces = new Map<string, CounterEntry>();
  for (const [name, entry] of Object.entries(prev)) {
    interfaces.set(name, routerRestarted ? { id: entry.id, rx: '0', tx: '0' } : entry);
  }
  let rxBytes = 0n;
  let txBytes = 0n;
  const changes: InterfaceChange[] = [];
  const seen = new Set<string>();
  for (const cur of counters) {
    // RouterOS names are unique; a duplicate would be measured twice against one entry.
    if (seen.has(cur.name)) continue;
    seen.add(cur.name);
    const before = Object.hasOwn(prev, cur.name) ? prev[cur.name] : undefined;
    const ceiling = ceilingFor(cur.name);
    const delta = counterDelta(before, cur, routerRestarted, ceiling);
    rxBytes += delta.rx;
    txBytes += delta.tx;
    interfaces.set(cur.name, toEntry(cur));
    if (delta.change === 'normal') continue;
    const change: InterfaceChange = { name: cur.name, change: delta.change, id: cur.id, ...(before ? { previousId: before.id } : {}) };
    if (delta.change === 'implausible' && before) change.refused = refusedDeltas(before, cur, routerRestarted, ceiling);
    changes.push(change);
  }
  return { interfaces: Object.fromEntries(interfaces), rxBytes, txBytes, changes };
}

/** The deltas an implausible step would have added, for the warning. */
function refusedDeltas(before: CounterEntry, cur: InterfaceCounter, routerRestarted: boolean, ceiling: bigint): { rx: string; tx: string; ceiling: string } {
  const raw = counterDelta(before, cur, routerRestarted, BigInt(2) ** BigInt(70));
  return { rx: raw.rx.toString(), tx: raw.tx.toString(), ceiling: ceiling.toString() };
}

function nonNegative(v: bigint): bigint {
  return v < 0n ? 0n : v;
}
