/**
 * Which error class a RouterOS reply or a transport failure belongs to. Pure. Decisions are
 * taken from the HTTP status, the `detail` of the RouterOS error body and Node/undici error
 * codes — never from free-text messages elsewhere — so retry policy stays stable.
 */
import type { ErrorCode } from '../errors.js';

export interface ReplyFacts {
  status: number;
  /** The `content-type` header, if any. */
  contentType: string | undefined;
  body: string;
}

export interface Classification {
  code: ErrorCode;
  /** RouterOS `detail` (or `message`) from the error body. */
  detail: string | undefined;
  /** A short reason for the message: what happened and, for configuration problems, what to do. */
  reason: string;
}

interface ErrorBody {
  detail: string | undefined;
  message: string | undefined;
}

/** Reads `{"error":…,"message":…,"detail":…}`; undefined when the body is not such an object. */
function readErrorBody(body: string): ErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const rec = parsed as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { detail: text(rec.detail), message: text(rec.message) };
}

function looksLikeHtml(contentType: string | undefined, body: string): boolean {
  if (contentType?.toLowerCase().includes('text/html')) return true;
  return body.trimStart().startsWith('<');
}

const POLICY = /not allowed \(9\)|not enough permissions \(9\)/;
const NO_SUCH_COMMAND = /no such command/;

/** Classifies a reply whose status is not 2xx. */
export function classifyReply(facts: ReplyFacts): Classification {
  const { status } = facts;
  const errorBody = readErrorBody(facts.body);
  const detail = errorBody?.detail ?? errorBody?.message;
  const text = errorBody?.detail ?? '';
  const html = errorBody === undefined && looksLikeHtml(facts.contentType, facts.body);

  if (status === 401) {
    return {
      code: 'ROUTER_AUTH',
      detail,
      reason: 'unauthorized: check user and password, the group policies (read, api, rest-api) and the user address',
    };
  }
  // The policy detail arrives with 500 usually, 403 once: key on the detail, not the status.
  if (POLICY.test(text)) {
    return {
      code: 'ROUTER_POLICY',
      detail,
      reason: 'the user group lacks a policy (needs read, api, rest-api; test for ping)',
    };
  }
  if (status === 404) return { code: 'ROUTER_UNSUPPORTED', detail, reason: 'not found on this router' };
  // 400 on current versions, 406 in an older documentation revision.
  if (status >= 400 && status < 500 && NO_SUCH_COMMAND.test(text)) {
    return { code: 'ROUTER_UNSUPPORTED', detail, reason: 'menu or command not available on this router' };
  }
  if (status === 400 && text === 'Session closed') {
    return {
      code: 'ROUTER_TRANSIENT',
      detail,
      reason: 'session closed by the router (60 s command limit, or queued behind a request that hit it)',
    };
  }
  if (status === 403 && html) {
    return {
      code: 'ROUTER_TRANSIENT',
      detail,
      reason:
        'forbidden with an HTML page: REST may be disabled for this protocol (web server settings rest-plain / rest-secure, /ip/service)',
    };
  }
  if (status === 403) return { code: 'ROUTER_AUTH', detail, reason: 'forbidden' };
  if (status >= 500) return { code: 'ROUTER_TRANSIENT', detail, reason: 'router-side error' };
  if (status === 415) return { code: 'ROUTER_BAD_REQUEST', detail, reason: 'body not accepted as JSON' };
  return { code: 'ROUTER_BAD_REQUEST', detail, reason: 'request rejected' };
}

// OpenSSL verification results as Node reports them in `err.code`.
const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

const TRANSPORT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the www/www-ssl service enabled on this port?)',
  ECONNRESET: 'connection reset (is this address allowed by /ip/service address?)',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the router (an http:// url on the www-ssl port? use https://)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no reply headers in time',
  UND_ERR_BODY_TIMEOUT: 'reply body stalled',
};

/** The Node/undici error code of a transport failure (AggregateError: the first inner code). */
function transportErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const c = transportErrorCode(inner);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

/** Classifies a failure below HTTP: refused, reset, DNS, TLS. */
export function classifyTransport(err: unknown): Classification {
  const code = transportErrorCode(err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return {
      code: 'ROUTER_TLS',
      detail: undefined,
      reason:
        'the certificate does not name this host: pin its fingerprint (tls.fingerprint) instead, or reissue the certificate with the address as a subjectAltName',
    };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && /wrong version number/i.test(String((err as Error).message)))) {
    return {
      code: 'ROUTER_TLS',
      detail: undefined,
      reason: 'the port does not speak TLS: an https:// url on the plain www port? use http:// there, or the www-ssl port',
    };
  }
  if (code !== undefined && (CERT_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) {
    return {
      code: 'ROUTER_TLS',
      detail: undefined,
      reason: `TLS failed (${code}): trust the router certificate with tls.ca or pin it with tls.fingerprint`,
    };
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return { code: 'ROUTER_MALFORMED', detail: undefined, reason: 'reply larger than the size limit' };
  }
  const reason = code === undefined ? undefined : TRANSPORT_REASONS[code];
  return {
    code: 'ROUTER_TRANSIENT',
    detail: undefined,
    reason: reason ?? `transport failure${code ? ` (${code})` : ''}`,
  };
}
