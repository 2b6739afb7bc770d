/** Values and records formatted the way RouterOS prints them over REST. Pure. */
import type { RosRecord } from './ros-query.js';

/** A record as RouterOS sends it: keys in alphabetical order, every value a string, absent fields left out. */
export function sortedRecord(fields: Readonly<Record<string, string | number | boolean | undefined>>): RosRecord {
  const out: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) {
    const v = fields[key];
    if (v !== undefined) out[key] = String(v);
  }
  return out;
}

const UNITS_US: [string, number][] = [
  ['w', 604_800e6],
  ['d', 86_400e6],
  ['h', 3_600e6],
  ['m', 60e6],
  ['s', 1e6],
  ['ms', 1e3],
  ['us', 1],
];

/**
 * Microseconds as RouterOS writes every duration (uptime, timeouts, RTTs): `<int><unit>` parts
 * largest first, units `w d h m s ms us`, zero parts omitted, `0s` for 0. The one formatter of
 * the simulator and the test fakes.
 */
export function rosDurationUs(micros: number): string {
  let rest = Math.max(0, Math.round(micros));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of UNITS_US) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Whole seconds as RouterOS writes a duration: `1w2d3h4m5s`, zero parts omitted, `0s` for 0. */
export function rosDuration(seconds: number): string {
  return rosDurationUs(Math.max(0, Math.floor(seconds)) * 1e6);
}

/** A round-trip time in microseconds as RouterOS writes it: `453us`, `1ms234us`, `56ms`, `1s12ms`; `0us` for 0. */
export function rosRtt(micros: number): string {
  const us = Math.max(0, Math.round(micros));
  return us === 0 ? '0us' : rosDurationUs(us);
}

/** RouterOS 7.16+ local date-time: `2025-11-27 08:17:04` (no zone; the router's clock). */
export function rosDateTime(epochMs: number, offsetMinutes: number): string {
  const d = new Date(epochMs + offsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * A `/ping` `interval` or similar argument in milliseconds: `200ms`, `1s`, `1s500ms`, or a
 * bare number of seconds. Undefined when it is not a duration.
 */
export function parseRosDurationMs(text: string): number | undefined {
  const bare = /^\d+(?:\.\d+)?$/.exec(text);
  if (bare) return Number(text) * 1000;
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?(?:(\d+)us)?$/.exec(text);
  if (!m || text === '') return undefined;
  const [, w, d, h, min, s, ms, us] = m.map((v) => Number(v ?? 0));
  return (((((w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * 60 + (s ?? 0)) * 1000 + (ms ?? 0) + (us ?? 0) / 1000;
}
