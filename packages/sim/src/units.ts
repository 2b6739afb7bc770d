/** Human units for the demo's table. Pure. */

const RATE_UNITS = ['kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A rate given in bytes per second, shown in bits per second (SI): `12.3 Mbit/s`. */
export function formatBitRate(bytesPerSecond: number): string {
  let v = Math.max(0, bytesPerSecond) * 8;
  if (v < 1000) return `${Math.round(v)} bit/s`;
  let unit = -1;
  while (v >= 999.95 && unit < RATE_UNITS.length - 1) {
    v /= 1000;
    unit++;
  }
  return `${v.toFixed(1)} ${RATE_UNITS[unit]}`;
}

/** A size in bytes (IEC): `512 B`, `1.5 KiB`, `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  let v = Math.max(0, bytes);
  if (v < 1024) return `${Math.round(v)} B`;
  let unit = -1;
  while (v >= 1023.95 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${v.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** A count, shortened from 10 000 on: `9999`, `35.1k`, `1.2M`. */
export function formatCount(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 999_950) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** How long ago, coarse: `now`, `4s`, `3m`, `2h`. */
export function formatAge(ms: number): string {
  if (ms < 1000) return 'now';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

/** A rate given in bytes per second, as bits per second with a one-letter SI prefix: `12.3M`, `800`. */
export function formatShortBitRate(bytesPerSecond: number): string {
  return shortUnits(Math.max(0, bytesPerSecond) * 8, 1000, ['k', 'M', 'G', 'T']);
}

/** A size in bytes with a one-letter IEC prefix: `512`, `1.5K`, `3.5T`. */
export function formatShortBytes(bytes: number): string {
  return shortUnits(Math.max(0, bytes), 1024, ['K', 'M', 'G', 'T', 'P']);
}

function shortUnits(value: number, base: number, prefixes: readonly string[]): string {
  if (value < base) return String(Math.round(value));
  let v = value;
  let unit = -1;
  while (v >= base - 0.05 && unit < prefixes.length - 1) {
    v /= base;
    unit++;
  }
  return `${v.toFixed(1)}${prefixes[unit]}`;
}
