/**
 * Errors with stable codes. Retry decisions are made from `code` and `retryable`,
 * never from message text. Messages never contain secrets: callers pass only
 * router names, paths and statuses, never URLs with tokens or credentials.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'ROUTER_AUTH' // 401: wrong user/password, group without rest-api, address not allowed
  | 'ROUTER_POLICY' // 500 "not allowed (9)" / "not enough permissions (9)": group lacks a policy
  | 'ROUTER_UNSUPPORTED' // 404, "no such command": this menu does not exist on this router
  | 'ROUTER_TRANSIENT' // 5xx, reset, HTML 403, "Session closed": try again
  | 'ROUTER_TIMEOUT' // no reply within the configured timeout
  | 'ROUTER_TLS' // certificate not trusted, fingerprint mismatch, handshake failure
  | 'ROUTER_BAD_REQUEST' // other 400s: arguments rejected
  | 'ROUTER_MALFORMED' // reply is not the JSON shape RouterOS sends
  | 'BRIDGE_OVERLOADED' // the request's timeout passed while it waited for a request slot: never sent
  | 'KOMARI_AUTH' // 401/403 from Komari: token or discovery key wrong
  | 'KOMARI_REJECTED' // 400/500 with a validation message: our payload was refused
  | 'KOMARI_TRANSIENT' // 5xx without a validation message, timeout, reset
  | 'NEZHA_AUTH' // Unauthenticated / WAF block from a Nezha dashboard: agent secret or UUID refused
  | 'NEZHA_TRANSIENT' // Nezha stream broken, dashboard unreachable, deadline exceeded: reconnect
  | 'PING_UNAVAILABLE' // raw sockets not permitted on this host
  | 'STATE_IO'; // state directory not writable or file unreadable

const RETRYABLE: Record<ErrorCode, boolean> = {
  CONFIG_INVALID: false,
  ROUTER_AUTH: false,
  ROUTER_POLICY: false,
  ROUTER_UNSUPPORTED: false,
  ROUTER_TRANSIENT: true,
  ROUTER_TIMEOUT: true,
  ROUTER_TLS: false,
  ROUTER_BAD_REQUEST: false,
  ROUTER_MALFORMED: true,
  BRIDGE_OVERLOADED: true,
  KOMARI_AUTH: false,
  KOMARI_REJECTED: false,
  KOMARI_TRANSIENT: true,
  NEZHA_AUTH: false,
  NEZHA_TRANSIENT: true,
  PING_UNAVAILABLE: false,
  STATE_IO: true,
};

export class TikprobeError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TikprobeError';
    this.code = code;
    this.retryable = RETRYABLE[code];
  }
}

/** An error from one RouterOS REST request. */
export class RouterError extends TikprobeError {
  /** HTTP status when the router answered; undefined for transport failures. */
  readonly status: number | undefined;
  /** The `detail` (or `message`) of a RouterOS error body, when there was one. */
  readonly detail: string | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    extra: { status?: number; detail?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: extra.cause });
    this.name = 'RouterError';
    this.status = extra.status;
    this.detail = extra.detail;
  }
}

/** An error from one request to Komari. */
export class KomariError extends TikprobeError {
  readonly status: number | undefined;
  /** The raw reply body, truncated; Komari bodies never echo the token. */
  readonly body: string | undefined;
  /** How long Komari asked to wait (its `Retry-After` on 429/503), in ms. */
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, extra: { status?: number; body?: string; cause?: unknown; retryAfterMs?: number } = {}) {
    super(code, message, { cause: extra.cause });
    this.name = 'KomariError';
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
    this.body = extra.body;
  }
}

/** One problem in a configuration file, located in the YAML source. */
export interface ConfigIssue {
  file: string;
  line: number | undefined;
  /** Dotted path such as `routers[1].intervals.report`. */
  path: string;
  message: string;
}

export class ConfigError extends TikprobeError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super('CONFIG_INVALID', issues.map(formatConfigIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatConfigIssue(i: ConfigIssue): string {
  const where = i.line === undefined ? i.file : `${i.file}:${i.line}`;
  return i.path ? `${where} ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

export function errorCode(err: unknown): ErrorCode | undefined {
  return err instanceof TikprobeError ? err.code : undefined;
}

/** The poll was stopped, or a request of it never got a slot: skip the poll whole, never read it as the router's answer. */
export function pollSkipped(signal: { readonly aborted: boolean }, err: unknown): boolean {
  return signal.aborted || errorCode(err) === 'BRIDGE_OVERLOADED';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
