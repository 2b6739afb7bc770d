/**
 * RouterOS round-trip times (`453us`, `1ms234us`, `12ms`, `1s12ms`) to milliseconds, and a
 * measured RTT to the integer Komari stores. Pure.
 */
import { parseRouterDuration } from '../routeros/duration.js';

/**
 * Milliseconds (fractional, microsecond precision) of a RouterOS duration. Throws on
 * anything else, including the empty string: a silent 0 would be reported as a perfect ping.
 */
export function parseRttMs(text: string): number {
  // Whole microseconds over 1000: the nearest double to the written value (1.234, not 1.2340000000000002).
  return Math.round(parseRouterDuration(text) * 1e6) / 1000;
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
