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
