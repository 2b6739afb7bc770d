/**
 * Rates in whole bytes per second for one interval. Pure.
 *
 * An interval longer than MAX_RATE_WINDOW_MS (the bridge was down, or polls failed for a
 * while) reports rate 0. The average over an hour-long gap is true but reads as a live
 * rate on a dashboard that shows "now", which it is not; the traffic still goes into the
 * totals, so nothing is lost, only the misleading number is withheld for one report.
 */

export const MAX_RATE_WINDOW_MS = 5 * 60_000;

/**
 * How many milliseconds of traffic this interval's delta covers, or undefined when no rate
 * should be reported (no time passed, the clock went backwards, or the gap is too long).
 * After a router restart the counters cover only the router's uptime, not the whole gap.
 */
export function rateWindowMs(elapsedMs: number, restartedUptimeS?: number): number | undefined {
  if (!Number.isFinite(elapsedMs) || elapsedMs <= 0 || elapsedMs > MAX_RATE_WINDOW_MS) return undefined;
  if (restartedUptimeS !== undefined && restartedUptimeS > 0) return Math.min(elapsedMs, restartedUptimeS * 1000);
  return elapsedMs;
}

/** Bytes per second, rounded; 0 for any window or byte count that would give NaN, Infinity or a negative. */
export function bytesPerSecond(bytes: bigint, windowMs: number | undefined): number {
  if (windowMs === undefined || !(windowMs > 0) || bytes <= 0n) return 0;
  const rate = Math.round((Number(bytes) * 1000) / windowMs);
  return Number.isFinite(rate) && rate > 0 ? rate : 0;
}
