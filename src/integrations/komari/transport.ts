/**
 * The wire under the Komari client: two undici Pools to the one Komari origin and the
 * request/reply handling every endpoint shares.
 *
 * - Lanes. Reports and basic info (`main`) and ping tasks and results (`tasks`) have separate
 *   connection budgets: however many results a hostile task list produces, they queue on
 *   their own few connections and never delay a report.
 * - Retry-After. A 429 or 503 with `Retry-After` holds every request to this Komari until
 *   the time it named (bounded to 1 s … 1 h, see retry-after.ts): nothing is sent meanwhile,
 *   each call fails at once with the time it may go again.
 *
 * Secrets: error messages name the endpoint path and the status, never a URL with its query;
 * secrets echoed in a reply body are redacted before the body is kept on the error.
 */
import { Pool } from 'undici';
import { KomariError } from '../../errors.js';
import { exchangeText } from '../../http/text-exchange.js';
import { RequestDeadline } from '../../time/request-deadline.js';
import { withKey } from '../../with-key.js';
import { classifyKomariReply } from './classify.js';
import { formQuery } from './query.js';
import { honoursRetryAfter, parseRetryAfter } from './retry-after.js';
import type { CancelSignal } from '../../time/cancel.js';

export type Lane = 'main' | 'tasks';

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, string>;
  body: string | undefined;
  authorization?: string;
  /** Values to scrub from any reply text kept on an error. */
  secrets: string[];
  signal: CancelSignal | undefined;
  /** Default `main`. */
  lane?: Lane;
}

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Connections for reports and basic info; default 8. */
  connections?: number;
  /** Connections for ping tasks and results; default 2. */
  taskConnections?: number;
  /** Epoch ms; default Date.now. */
  now?: () => number;
}

export interface TransportStats {
  requests: number;
  /** Requests that ended in a KomariError (any code). */
  failures: number;
  bytesSent: number;
  bytesReceived: number;
}

/** Connections to Komari for the whole fleet's reports and basic info, and for ping tasks. */
export const DEFAULT_CONNECTIONS = 8;
export const DEFAULT_TASK_CONNECTIONS = 2;

// Reports arrive every few seconds per router: keep connections open between them.
const KEEP_ALIVE_MS = 30_000;
// Every Komari reply here is small; a wrong URL must not make us buffer a large page.
const MAX_REPLY_BYTES = 4 * 1024 * 1024;
// Enough of a reply body to see the server's message; the rest is noise in logs.
const MAX_BODY_CHARS = 500;
const GET_HEADERS: Readonly<Record<string, string>> = { accept: 'application/json' };
const POST_HEADERS: Readonly<Record<string, string>> = { accept: 'application/json', 'content-type': 'application/json' };

export class KomariTransport {
  readonly counters: TransportStats = { requests: 0, failures: 0, bytesSent: 0, bytesReceived: 0 };
  private readonly prefix: string;
  private readonly pools: Record<Lane, Pool>;
  private readonly now: () => number;
  private holdUntil = 0;

  constructor(private readonly options: TransportOptions) {
    const base = new URL(options.baseUrl);
    this.prefix = base.pathname.replace(/\/+$/, '');
    // No headers or body timeout of undici's: each request's RequestDeadline bounds it whole.
    const pool = (connections: number) =>
      new Pool(base.origin, {
        connections: Math.max(1, connections),
        pipelining: 1,
        keepAliveTimeout: KEEP_ALIVE_MS,
        headersTimeout: 0,
        bodyTimeout: 0,
        maxResponseSize: MAX_REPLY_BYTES,
      });
    this.pools = { main: pool(options.connections ?? DEFAULT_CONNECTIONS), tasks: pool(options.taskConnections ?? DEFAULT_TASK_CONNECTIONS) };
    this.now = options.now ?? Date.now;
  }

  fail(call: Call, code: KomariError['code'], reason: string, extra: { status?: number; body?: string; retryAfterMs?: number } = {}): KomariError {
    this.counters.failures++;
    const status = extra.status === undefined ? '' : ` HTTP ${extra.status}:`;
    return new KomariError(code, `Komari ${call.method} ${call.path}:${status} ${reason}`, extra);
  }

  /** Sends one request; resolves with the 2xx body text, rejects with a KomariError. */
  async send(call: Call): Promise<string> {
    const waitMs = this.holdUntil - this.now();
    if (waitMs > 0) {
      throw this.fail(call, 'KOMARI_TRANSIENT', `not sent: Komari asked to wait (Retry-After) until ${new Date(this.holdUntil).toISOString()}`, { retryAfterMs: waitMs });
    }
    const { status, text, retryAfter } = await this.exchange(call);
    if (status >= 200 && status < 300) return text;
    const retryAfterMs = honoursRetryAfter(status) ? parseRetryAfter(retryAfter, this.now()) : undefined;
    if (retryAfterMs !== undefined) this.holdUntil = Math.max(this.holdUntil, this.now() + retryAfterMs);
    const body = scrub(text, call.secrets);
    const c = classifyKomariReply(call.path, status, body);
    const said = retryAfterMs === undefined ? '' : `; Komari asked to wait ${Math.round(retryAfterMs / 1000)} s (Retry-After), nothing is sent to it until then`;
    throw this.fail(call, c.code, `${scrub(c.reason, call.secrets)}${said}`, { status, body, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }

  /**
   * One request on the lane's pool by path (the origin is the pool's: no URL parsed per
   * request), with a one-listener abort handle instead of an AbortController, the headers
   * built once and the reply gathered without a stream: a report goes out every cycle for
   * every router.
   */
  private async exchange(call: Call): Promise<{ status: number; text: string; retryAfter: string | string[] | undefined }> {
    const deadline = new RequestDeadline(this.options.timeoutMs, call.signal);
    const base = call.body === undefined ? GET_HEADERS : POST_HEADERS;
    const headers = call.authorization === undefined ? base : withKey(base, 'authorization', call.authorization);
    try {
      this.counters.requests++;
      // Encoded once: its length is the count, and undici sends a Buffer as it is.
      const body = call.body === undefined ? undefined : Buffer.from(call.body, 'utf8');
      this.counters.bytesSent += body?.length ?? 0;
      const path = `${this.prefix}${call.path}${formQuery(call.query)}`;
      const res = await exchangeText(this.pools[call.lane ?? 'main'], { path, method: call.method, headers, body, cancel: deadline.cancel });
      this.counters.bytesReceived += res.bytes;
      return { status: res.status, text: res.text, retryAfter: res.headers['retry-after'] };
    } catch (err) {
      // The cause is not attached: transport errors may carry request details we do not vet.
      if (deadline.timedOut) throw this.fail(call, 'KOMARI_TRANSIENT', `no reply within ${this.options.timeoutMs} ms`);
      if (call.signal?.aborted) throw this.fail(call, 'KOMARI_TRANSIENT', 'aborted');
      throw this.fail(call, 'KOMARI_TRANSIENT', transportReason(err));
    } finally {
      deadline.dispose();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pools.main.close(), this.pools.tasks.close()]);
  }
}

/** A short, secret-free description of a transport failure: the error code, or its name. */
function transportReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return `connection reset (${code})`;
    if (code === 'ECONNREFUSED') return `connection refused (${code})`;
    return `transport error (${code})`;
  }
  return `transport error (${err instanceof Error ? err.name : 'unknown'})`;
}

/** Replaces every secret in `text` and cuts it to a log-friendly length. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s === '') continue;
    out = out.split(s).join('[redacted]');
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join('[redacted]');
  }
  return out.length > MAX_BODY_CHARS ? `${out.slice(0, MAX_BODY_CHARS)}…` : out;
}
