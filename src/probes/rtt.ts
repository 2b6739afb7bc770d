/**
 * RouterOS round-trip times (`453us`, `1ms234us`, `12ms`, `1s12ms`) to milliseconds, and a
 * measured RTT to the integer Komari stores (truncated, as its agent does). Pure.
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
 * Komari's value, one rule for every probe kind (ICMP from the router or this host, TCP,
 * HTTP): whole milliseconds truncated toward zero, as the official agent's
 * `Duration.Milliseconds()` does (komari-monitor/komari-agent `server/task.go`), and -1
 * when there was no reply. One deliberate difference: a reply faster than 1 ms is sent as 1,
 * where the agent sends 0 — Komari stores a 0 but leaves it out of its minimum statistic, so
 * a LAN target would show no minimum at all. Nezha gets the unrounded float (its agent
 * sends microsecond precision), so the rule is Komari's alone.
 */
export function resultValue(rttMs: number | undefined): number {
  if (rttMs === undefined || !Number.isFinite(rttMs) || rttMs < 0) return LOSS;
  return Math.max(1, Math.trunc(rttMs));
}
