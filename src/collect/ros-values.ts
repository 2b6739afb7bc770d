/**
 * Pure helpers shared by the extended collectors: RouterOS replies are all strings, a menu may
 * answer one object or an array, fields that do not apply are absent, and some monitor values
 * carry their unit inside the string ("37C", "-2.384dBm", "-63@1Mbps").
 */
import { errorCode } from '../errors.js';

export type RosRecord = Readonly<Record<string, unknown>>;

/** A reply as a bounded list of records: a singleton object becomes a one-element list. */
export function recordsOf(reply: unknown, max: number): RosRecord[] {
  const list = Array.isArray(reply) ? reply : reply !== null && typeof reply === 'object' ? [reply] : [];
  const out: RosRecord[] = [];
  for (const item of list) {
    if (out.length >= max) break;
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) out.push(item as RosRecord);
  }
  return out;
}

/** A string field, trimmed and cut to `max` characters; undefined when absent or empty. */
export function text(rec: RosRecord, key: string, max = 64): string | undefined {
  const v = rec[key];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t.slice(0, max);
}

/** A decimal number from a string field ("47.5", "-63"); undefined when absent or not a number. */
export function decimal(rec: RosRecord, key: string): number | undefined {
  const v = text(rec, key);
  if (v === undefined || !/^-?\d+(?:\.\d+)?$/.test(v)) return undefined;
  return Number(v);
}

/** A non-negative integer counter ("123456"); undefined when absent, negative or unsafe. */
export function counter(rec: RosRecord, key: string): number | undefined {
  const v = text(rec, key, 32);
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `true|yes` → true, `false|no` → false, anything else undefined. */
export function flag(rec: RosRecord, key: string): boolean | undefined {
  const v = text(rec, key, 8);
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  return undefined;
}

const UNIT_SCALE: Readonly<Record<string, { unit: string; scale: number }>> = {
  C: { unit: 'celsius', scale: 1 },
  V: { unit: 'volts', scale: 1 },
  mV: { unit: 'volts', scale: 1e-3 },
  A: { unit: 'amperes', scale: 1 },
  mA: { unit: 'amperes', scale: 1e-3 },
  W: { unit: 'watts', scale: 1 },
  mW: { unit: 'watts', scale: 1e-3 },
  dBm: { unit: 'dbm', scale: 1 },
  RPM: { unit: 'rpm', scale: 1 },
  rpm: { unit: 'rpm', scale: 1 },
  '%': { unit: 'percent', scale: 1 },
  nm: { unit: 'meters', scale: 1e-9 },
};

export interface Measured {
  value: number;
  /** Base unit: celsius, volts, amperes, watts, dbm, rpm, percent, meters; '' when unitless. */
  unit: string;
}

/** Base unit for a RouterOS unit name ("C", "RPM", "mA"); undefined for unknown names. */
export function baseUnit(rosUnit: string): { unit: string; scale: number } | undefined {
  if (rosUnit === '') return { unit: '', scale: 1 };
  return UNIT_SCALE[rosUnit];
}

/** Parses "37C", "3.297V", "6mA", "-2.384dBm", "-63@1Mbps", "4830" (unitless) into base units. */
export function measured(raw: string | undefined): Measured | undefined {
  if (raw === undefined) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)\s*([a-zA-Z%]*)(?:@.*)?$/.exec(raw.trim());
  if (m === null) return undefined;
  const unit = baseUnit(m[2] ?? '');
  if (unit === undefined) return undefined;
  return { value: Number(m[1]) * unit.scale, unit: unit.unit };
}

/** True when the router says the menu or package is not there (404, "no such command"). */
export function isAbsent(err: unknown): boolean {
  return errorCode(err) === 'ROUTER_UNSUPPORTED';
}

/** Reads `{"ret":"<n>"}` (count-only reply); undefined when the reply is not a count. */
export function countOf(reply: unknown): number | undefined {
  const [rec] = recordsOf(reply, 1);
  return rec === undefined ? undefined : counter(rec, 'ret');
}
