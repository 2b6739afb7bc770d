/**
 * Did the router restart since the previous observation? Pure.
 *
 * Two signals:
 * - uptime went down: the plain case;
 * - uptime is shorter than the wall time since the previous observation: the router booted
 *   after we last saw it, even though its uptime has since grown past the old value (the
 *   bridge was down for a day, the router rebooted in that time and has been up for hours).
 *
 * The second test compares the router's absolute uptime with the gap, not the growth of its
 * uptime with the gap. A host clock that jumps forward (a Raspberry Pi without a real-time
 * clock setting its time by NTP after boot) then only misfires when the jump is longer than
 * the router's whole uptime, and even then the counters it takes in full cover no more than
 * that uptime.
 */

/** Slack for poll latency and whole-second uptime, so a busy poll is not taken for a reboot. */
export const UPTIME_SLACK_S = 30;

export type RebootSignal = 'uptime-decreased' | 'uptime-below-elapsed';

export function detectReboot(
  prev: { lastAtMs: number; lastUptimeS: number },
  now: { atMs: number; uptimeS: number },
): RebootSignal | undefined {
  if (now.uptimeS < prev.lastUptimeS) return 'uptime-decreased';
  const elapsedS = (now.atMs - prev.lastAtMs) / 1000;
  if (now.uptimeS + UPTIME_SLACK_S < elapsedS) return 'uptime-below-elapsed';
  return undefined;
}

/**
 * What the counters say about an uptime signal. `fell`: some interface that kept its `.id`
 * shows a counter below the one last seen; `comparable`: how many such interfaces there are.
 */
export interface CounterEvidence {
  fell: boolean;
  comparable: number;
}

/**
 * An uptime drop is a reboot only when the counters agree: a counter that went down (a
 * rebooted router starts every counter at 0), or no interface to compare (every one is new,
 * e.g. PPPoE sessions that came back with new ids). An uptime that drops while every counter
 * kept counting is a clock or uptime glitch: the deltas continue, nothing is counted twice.
 */
export function confirmReboot(signal: RebootSignal | undefined, evidence: CounterEvidence): 'reboot' | 'glitch' | undefined {
  if (signal === undefined) return undefined;
  // An uptime below the gap is not a drop: it says the router booted while unobserved, and the
  // counters need not have fallen below old values since (up for hours after a day away).
  if (signal === 'uptime-below-elapsed') return 'reboot';
  return evidence.fell || evidence.comparable === 0 ? 'reboot' : 'glitch';
}
