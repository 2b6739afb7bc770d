/**
 * RouterOS round-trip times (`453us`, `1ms234us`, `12ms`, `1s12ms`) to milliseconds, and a
 * measured RTT to the integer Komari stores. Pure.
 */

const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?(?:(\d+)us)?$/;
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1, 0.001] as const;

/**
 * Milliseconds (fractional) of a RouterOS duration. Throws on anything else, including the
 * empty string: a silent 0 would be reported as a perfect ping.
 */
export function parseRttMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m || text === '') throw new Error(`not a RouterOS duration: ${JSON.stringify(text.slice(0, 40))}`);
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * (UNIT_MS[i] as number);
  }
  return ms;
}

/** Komari's value for an ICMP/TCP/HTTP result: -1 for loss. */
export const LOSS = -1;

/**
 * Whole milliseconds for Komari, -1 when there was no reply. A reply faster than 0.5 ms is
 * sent as 1, not 0: Komari stores a 0 but leaves it out of its minimum statistic, so a
 * LAN target would otherwise show no minimum at all.
 */
export function resultValue(rttMs: number | undefined): number {
  if (rttMs === undefined || !Number.isFinite(rttMs) || rttMs < 0) return LOSS;
  return Math.max(1, Math.round(rttMs));
}
