/**
 * RouterOS duration strings (`3w2d4h5m6s`, `1ms234us`, `0s`, `01:02:03`, `2d01:02:03`) to
 * seconds. Pure. Never returns 0 for text it does not understand: a wrong uptime would hide
 * a reboot, so garbage throws.
 */
import { RouterError } from '../errors.js';

// Largest unit first, zero parts omitted. Backtracking settles `m` versus `ms`.
const UNITS = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?(?:(\d+)us)?$/;
const CLOCK = /^(?:(\d+)d)?(\d{1,2}):(\d{2}):(\d{2})$/;
const UNIT_SECONDS = [604_800, 86_400, 3_600, 60, 1, 1e-3, 1e-6];
/** About 317 years: anything longer is a malformed reply, not a number to send on. */
export const MAX_ROUTER_DURATION_S = 1e10;

/** Seconds (fractional for `ms`/`us`); throws `ROUTER_MALFORMED` on text that is not a duration. */
export function parseRouterDuration(text: string): number {
  const units = UNITS.exec(text);
  // The unit regex also matches "": demand at least one part.
  if (units && text !== '') {
    let seconds = 0;
    for (let i = 0; i < UNIT_SECONDS.length; i++) {
      const part = units[i + 1];
      if (part !== undefined) seconds += Number(part) * (UNIT_SECONDS[i] as number);
    }
    if (seconds <= MAX_ROUTER_DURATION_S) return roundMicro(seconds);
  }
  const clock = CLOCK.exec(text);
  if (clock) {
    const [, days, h, m, s] = clock;
    if (Number(m) < 60 && Number(s) < 60) {
      const seconds = Number(days ?? 0) * 86_400 + Number(h) * 3_600 + Number(m) * 60 + Number(s);
      if (seconds <= MAX_ROUTER_DURATION_S) return seconds;
    }
  }
  const shown = text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}…` : JSON.stringify(text);
  throw new RouterError('ROUTER_MALFORMED', `${shown} is not a RouterOS duration (or longer than ${MAX_ROUTER_DURATION_S} s)`);
}

/** Sums of 1e-3/1e-6 steps pick up float noise (0.001234000001): keep microsecond precision. */
function roundMicro(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
