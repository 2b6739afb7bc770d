/**
 * Accounting periods by local calendar date. Pure: the time zone is an argument (undefined =
 * the host's), so tests pin it and the result does not depend on where they run.
 *
 * Dates are `YYYY-MM-DD` strings: they compare correctly as strings and persist as they are.
 */

/**
 * The local calendar date of an instant, as `YYYY-MM-DD`. Throws RangeError for an unknown
 * time zone. The host's zone (the daemon's case) goes through Date's own local-time getters:
 * building an Intl formatter costs tens of microseconds, twice per router per poll.
 */
export function localDate(atMs: number, timeZone?: string): string {
  if (timeZone === undefined) {
    const d = new Date(atMs);
    return formatDate(d.getFullYear(), d.getMonth() + 1, d.getDate());
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(atMs);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/**
 * The start date of the period that contains `date` when periods start on `resetDay`
 * (1–28, so every month has that day): this month's reset day if it has been reached,
 * otherwise last month's.
 */
export function periodStartFor(date: string, resetDay: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (d >= resetDay) return formatDate(y, m, resetDay);
  return m === 1 ? formatDate(y - 1, 12, resetDay) : formatDate(y, m - 1, resetDay);
}

/**
 * The date of the period boundary crossed since the previous observation, if any.
 *
 * A rollover happens when 00:00 of a reset day lies after the previous observation's date
 * and after the current period's start. Comparing with the previous observation (not only
 * with `periodStart`) is what makes a changed `resetDay` behave: moving it from 1 to 15 in
 * the middle of a month does not wipe the totals at once, it takes effect at the next 15th;
 * moving it from 15 to 1 keeps the period that began on the 15th until the next 1st. A
 * bridge that was down over a reset day rolls over on its first observation after it.
 */
export function crossedBoundary(
  prev: { lastAtMs: number; periodStart: string },
  atMs: number,
  resetDay: number,
  timeZone?: string,
): string | undefined {
  const boundary = periodStartFor(localDate(atMs, timeZone), resetDay);
  const lastDate = localDate(prev.lastAtMs, timeZone);
  return boundary > lastDate && boundary > prev.periodStart ? boundary : undefined;
}

function formatDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
