/**
 * Exact totals and the one rule that turns them into numbers for the dashboards. Pure.
 *
 * Totals are bigints in memory and decimal strings on disk, so no byte is ever lost to
 * floating point. They saturate at MAX_TOTAL (2^63 - 1, the largest value of Komari's int64
 * fields): at 100 Gbit/s that is 23 years of traffic, so it is a guard against a malformed
 * input, never a limit a real router reaches.
 *
 * The sinks take JavaScript numbers, exact only up to 2^53 - 1 (about 9 PB). A total above
 * that is sent as Number.MAX_SAFE_INTEGER: the value stays an integer and never falls, and
 * the poller says once that it is clamped. The exact total stays in memory and on disk.
 */

export const MAX_TOTAL = 2n ** 63n - 1n;
export const MAX_SENDABLE = BigInt(Number.MAX_SAFE_INTEGER);

/** `a + b`, both non-negative, saturating at MAX_TOTAL. */
export function addTotal(a: bigint, b: bigint): bigint {
  const sum = a + (b > 0n ? b : 0n);
  return sum > MAX_TOTAL ? MAX_TOTAL : sum;
}

/** The number sent for an exact total: itself up to 2^53 - 1, else Number.MAX_SAFE_INTEGER. */
export function sendableTotal(total: bigint): number {
  if (total <= 0n) return 0;
  return total > MAX_SENDABLE ? Number.MAX_SAFE_INTEGER : Number(total);
}

/** Whether sendableTotal clamps this total. */
export function isClamped(total: bigint): boolean {
  return total > MAX_SENDABLE;
}
