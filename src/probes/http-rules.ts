/**
 * How each dashboard's own agent measures an HTTP GET, so that a monitor tikprobe runs shows
 * the same numbers as one the official agent runs. Pure. Sources (read, not copied):
 *
 * Both agents use Go's default `http.Client`, which follows up to 10 redirects and judges
 * the final response; a status outside 200–399 is a failure; more than 10 redirects is an
 * error ("stopped after 10 redirects"). DNS and connect time are inside the measurement.
 *
 * - Komari (komari-monitor/komari-agent `server/task.go`, `httpPing`): the time until
 *   `client.Get` returns, i.e. until the final response's headers; the body is not read.
 *   The result is whole milliseconds (`Duration.Milliseconds()`, which truncates).
 * - Nezha (nezhahq/agent `cmd/agent/main.go`, `handleHttpGetTask`): the time until the
 *   body has been read (current agents stop at 1 MiB), as a float of milliseconds with
 *   microsecond precision. On HTTPS success the result's `data` is
 *   `<issuer CN>|<notAfter>` of the leaf certificate, `notAfter` in Go's `Time.String()`
 *   layout for UTC (`2026-10-06 12:00:00 +0000 UTC`), which the dashboard parses for its
 *   certificate-expiry and certificate-changed alerts.
 */

export type HttpRule = 'komari' | 'nezha';

/** Redirects followed before the probe fails, as Go's default client. */
export const MAX_REDIRECTS = 10;
/** Body bytes a Nezha-rule probe reads before it stops the clock (nezhahq/agent: 1 MiB). */
export const NEZHA_BODY_LIMIT = 1 << 20;

/** Whether a rule reads the body before the measurement ends. */
export function readsBody(rule: HttpRule): boolean {
  return rule === 'nezha';
}

/** 200–399 is a success for both agents. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 400;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `Date` as Go prints a UTC `time.Time`: `2026-10-06 12:00:00 +0000 UTC` (whole seconds, as certificates are). */
export function goUtcTime(date: Date): string {
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${day} ${time} +0000 UTC`;
}

/** The parts of Node's `getPeerCertificate()` this reads. */
export interface PeerCertificate {
  issuer?: { CN?: string | string[] } | undefined;
  /** OpenSSL text, e.g. `Oct  6 12:00:00 2026 GMT`. */
  valid_to?: string | undefined;
}

/**
 * Nezha's certificate summary `"<issuer CN>|<notAfter>"`, or undefined when the certificate
 * has no parsable expiry (the dashboard would warn on every result for an unparsable date).
 */
export function certificateSummary(cert: PeerCertificate): string | undefined {
  const expires = cert.valid_to === undefined ? Number.NaN : Date.parse(cert.valid_to);
  if (!Number.isFinite(expires)) return undefined;
  const cn = cert.issuer?.CN;
  const issuer = Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? '');
  return `${issuer}|${goUtcTime(new Date(expires))}`;
}
