/**
 * Every interface's counters and link state: one `GET /interface` with a `.proplist`, so the
 * reply carries numbers only (no comments or free text). At most `limit` interfaces are kept
 * (label cardinality); the caller is told how many were dropped so it can say so once.
 */
import type { InterfaceStats, InterfaceTable } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { counter, flag, type RosRecord, recordsOf, text } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { InterfaceStats, InterfaceTable };

/** Rows read at most from a reply, whatever the export limit (an outside-controlled size). */
export const MAX_INTERFACE_ROWS = 4096;

export const INTERFACE_PROPLIST = [
  'name',
  'type',
  'running',
  'disabled',
  'link-downs',
  'rx-byte',
  'tx-byte',
  'rx-packet',
  'tx-packet',
  'rx-drop',
  'tx-drop',
  'rx-error',
  'tx-error',
] as const;

function statsOf(rec: RosRecord): InterfaceStats | undefined {
  const name = text(rec, 'name');
  if (name === undefined) return undefined;
  const out: InterfaceStats = {
    name,
    type: text(rec, 'type', 32) ?? '',
    running: flag(rec, 'running') ?? false,
    disabled: flag(rec, 'disabled') ?? false,
  };
  const fields: [keyof InterfaceStats, string][] = [
    ['linkDowns', 'link-downs'],
    ['rxBytes', 'rx-byte'],
    ['txBytes', 'tx-byte'],
    ['rxPackets', 'rx-packet'],
    ['txPackets', 'tx-packet'],
    ['rxDrops', 'rx-drop'],
    ['txDrops', 'tx-drop'],
    ['rxErrors', 'rx-error'],
    ['txErrors', 'tx-error'],
  ];
  for (const [key, ros] of fields) {
    const n = counter(rec, ros);
    if (n !== undefined) (out as unknown as Record<string, number>)[key] = n;
  }
  return out;
}

/** Parses `/interface`; keeps the first `limit` named interfaces (RouterOS order). */
export function parseInterfaceStats(reply: unknown, limit: number): InterfaceTable {
  const interfaces: InterfaceStats[] = [];
  let truncated = 0;
  for (const rec of recordsOf(reply, MAX_INTERFACE_ROWS)) {
    const s = statsOf(rec);
    if (s === undefined) continue;
    if (interfaces.length < limit) interfaces.push(s);
    else truncated++;
  }
  return { interfaces, truncated };
}

export async function collectInterfaceStats(rest: RouterRest, limit: number, signal: CancelSignal): Promise<InterfaceTable> {
  return parseInterfaceStats(await rest.get('interface', { signal, proplist: INTERFACE_PROPLIST }), limit);
}
