/**
 * What an interface can carry in an interval. Pure.
 *
 * A counter delta above the interface's link speed times the elapsed time is not traffic:
 * it is a different device at the router's address, a counter that jumped (a firmware or
 * proxy fault), or a reset whose new value is not near zero. Such a delta is never added;
 * the interface gets a new baseline instead.
 */

/** Default ceiling when the link speed is not known: 100 Gbit/s. */
export const DEFAULT_MAX_BITS_PER_SECOND = 100_000_000_000;

/**
 * Slack on the elapsed time: the two counter reads are not exactly `elapsed` apart (request
 * latency, a slow router), so a full-rate link can show a few seconds more than the wall
 * time between the two observations.
 */
export const PLAUSIBILITY_SLACK_S = 5;

/** The most bytes an interface of `bitsPerSecond` can count in `elapsedMs` (clock going backwards counts as 0). */
export function deltaCeilingBytes(bitsPerSecond: number, elapsedMs: number): bigint {
  const bps = Number.isFinite(bitsPerSecond) && bitsPerSecond > 0 ? bitsPerSecond : DEFAULT_MAX_BITS_PER_SECOND;
  const elapsed = Number.isFinite(elapsedMs) && elapsedMs > 0 ? elapsedMs : 0;
  // Whole milliseconds and whole bits: exact in bigint, whatever the gap.
  const ms = BigInt(Math.ceil(elapsed)) + BigInt(PLAUSIBILITY_SLACK_S * 1000);
  return (BigInt(Math.ceil(bps)) * ms) / 8000n;
}

/** Whether a delta of `bytes` fits under the ceiling. */
export function isPlausible(bytes: bigint, ceilingBytes: bigint): boolean {
  return bytes <= ceilingBytes;
}
