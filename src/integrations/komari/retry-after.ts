/**
 * `Retry-After` of a 429 or 503 reply (RFC 9110 §10.2.3): delay-seconds or an HTTP date,
 * turned into milliseconds to wait, bounded so that a hostile or broken server can neither
 * make tikprobe hammer it (below 1 s) nor silence it for days (above 1 h). Pure.
 */

export const MIN_RETRY_AFTER_MS = 1000;
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Milliseconds to wait, or undefined when the header is absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  let ms: number;
  if (/^\d{1,10}$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (!Number.isFinite(at) || !/[a-z]/i.test(text)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, ms));
}

/** Whether this status carries a Retry-After that a client should honour. */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}
