/**
 * RFC 3339 timestamps with the host's real UTC offset, as Komari's agent sends them
 * (`2026-08-17T10:00:05.123+02:00`). `toISOString()` would always say `Z`, and Komari
 * 1.1.8–1.2.3 stores `finished_at` as the record time, so the offset must be the real one
 * of that instant (DST included). Pure.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats `epochMs` as local time at `offsetMinutes` east of UTC (+120 for +02:00, -240 for
 * -04:00), with milliseconds. A zero offset is written `Z`.
 */
export function formatRfc3339(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000);
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}`;
  if (offsetMinutes === 0) return `${date}T${time}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `epochMs` in the host's own zone; `getTimezoneOffset()` is minutes *west* of UTC, hence the sign flip. */
export function localRfc3339(epochMs: number): string {
  return formatRfc3339(epochMs, -new Date(epochMs).getTimezoneOffset());
}
