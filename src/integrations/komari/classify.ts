/**
 * Turns a non-2xx Komari reply into a stable error code. Komari's error bodies differ by
 * version and endpoint (`{"error":…}`, `{"status":"error","error":…}`, `{"status":"error",
 * "message":…}`, `{}` or nothing), so the body is read loosely and only its text is judged.
 * Pure.
 */
import type { ErrorCode } from '../../errors.js';

export interface KomariClassification {
  code: Extract<ErrorCode, 'KOMARI_AUTH' | 'KOMARI_REJECTED' | 'KOMARI_TRANSIENT'>;
  /** Short human text for the message (never the body verbatim beyond its message field). */
  reason: string;
}

// Texts of Komari's validation failures: the payload, not the server, is at fault.
const VALIDATION = /must be|must not|between|non-negative|invalid|required|cannot unmarshal|cannot parse|no such column|has no column/i;
// Texts of server-side trouble that can pass on its own.
const SERVER_TROUBLE = /queue is full|failed to (save|validate|create)|database is locked|busy|timeout|store (is )?(off|disabled)/i;

/** The `error` or `message` text of a Komari error body, when there is one. */
export function bodyMessage(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { error, message } = parsed as { error?: unknown; message?: unknown };
  if (typeof error === 'string' && error !== '') return error;
  if (typeof message === 'string' && message !== '') return message;
  return undefined;
}

export function classifyKomariReply(endpoint: string, status: number, body: string): KomariClassification {
  const text = bodyMessage(body);
  const said = text === undefined ? '' : `: ${text}`;
  if (status === 401 || status === 403) return { code: 'KOMARI_AUTH', reason: `not authorised${said}` };
  if (status === 400) return { code: 'KOMARI_REJECTED', reason: `request refused${said}` };
  if (status === 404) return { code: 'KOMARI_REJECTED', reason: 'endpoint not found (wrong url, or Komari older than 1.1.8)' };
  if (status === 408 || status === 429) return { code: 'KOMARI_TRANSIENT', reason: `server busy${said}` };
  if (status >= 500) {
    if (text !== undefined && SERVER_TROUBLE.test(text)) return { code: 'KOMARI_TRANSIENT', reason: `server error${said}` };
    if (text !== undefined && VALIDATION.test(text)) return { code: 'KOMARI_REJECTED', reason: `payload refused${said}` };
    // uploadBasicInfo goes straight into an SQL update: its 500s (`{}` in an envelope, or an
    // empty body on < 1.2.1 when a mandatory key is missing) mean the payload did not fit.
    if (endpoint.endsWith('/uploadBasicInfo') && status === 500 && isBasicInfoUpdateFailure(body)) {
      return { code: 'KOMARI_REJECTED', reason: 'basic info refused (unknown key, bad value, or a key this version requires)' };
    }
    return { code: 'KOMARI_TRANSIENT', reason: `server error${said}` };
  }
  return { code: 'KOMARI_REJECTED', reason: `unexpected status${said}` };
}

function isBasicInfoUpdateFailure(body: string): boolean {
  if (body.trim() === '') return true;
  try {
    const parsed = JSON.parse(body) as { status?: unknown; error?: unknown };
    return parsed.status === 'error' && parsed.error !== null && typeof parsed.error === 'object';
  } catch {
    return false;
  }
}
