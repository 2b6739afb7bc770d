/**
 * The REST client for one router: one undici Client (one keep-alive connection, no
 * pipelining: a poll is sequential), HTTP Basic auth sent with every request, a timeout per
 * request, errors classified into stable codes. Credentials live only in the prebuilt Authorization header
 * and never reach an error message.
 */
import { Client } from 'undici';
import { RouterError } from '../errors.js';
import { type RequestSlots, SlotWaitExpired } from '../time/request-slots.js';
import { classifyReply, classifyTransport, type Classification } from './classify.js';
import { parseRouterJson } from './json.js';
import { RequestDeadline } from '../time/request-deadline.js';
import { exchangeText } from '../http/text-exchange.js';
import { withKey } from '../with-key.js';
import type { RestOptions, RouterRest } from './rest.js';
import { buildTlsConnect, FingerprintMismatchError, type RouterTlsOptions } from './tls.js';
import type { TlsContexts } from './tls-contexts.js';
import type { CancelSignal } from '../time/cancel.js';

export interface RouterClientOptions {
  /** The router's configured name: prefixes every error message. */
  name: string;
  /** `http(s)://host[:port]`; `/rest` is appended. */
  url: string;
  username: string;
  password: string;
  tls: RouterTlsOptions;
  /** Secure contexts shared across the fleet (one per set of trusted roots); default: one per connection. */
  tlsContexts?: TlsContexts;
  /** Per request, from the moment it is sent (a wait for a request slot has its own bound, the same length). */
  timeoutMs: number;
  /**
   * The fleet-wide request slots (`concurrency`): a request that waits longer than its timeout
   * for one (or whose poll is stopped) leaves the queue unsent. Takes precedence over `limit`.
   */
  slots?: RequestSlots;
  /** A plain concurrency limit for one-shot commands; its wait is not bounded. */
  limit?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The clock of the progress and wait figures (default Date.now). */
  now?: () => number;
}

// Polls run every few seconds: keep the connection (and its TLS session) across them.
const KEEP_ALIVE_MS = 60_000;
// A poller never needs more; a mistaken full-table fetch must not eat the host's memory.
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** `system/resource`, `/system/resource` → `/rest/system/resource`, each segment encoded. */
export function restPath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  // encodeURIComponent keeps `*` (ids such as `*1` must not become %2A) and turns spaces into %20.
  return `/rest/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}

/** `.proplist=a,b&type=ether`: commas kept literal, names and values encoded. */
export function restQuery(options: Pick<RestOptions, 'proplist' | 'filter'>): string {
  const parts: string[] = [];
  if (options.proplist && options.proplist.length > 0) {
    parts.push(`.proplist=${options.proplist.map((p) => encodeURIComponent(p)).join(',')}`);
  }
  for (const [key, value] of Object.entries(options.filter ?? {})) {
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

// Paths polled are a handful of constants: encode each once per process.
const restPaths = new Map<string, string>();
const MAX_CACHED_PATHS = 256;

/**
 * Bodies a poll sends every cycle are frozen constants (the connection counts' queries, a
 * router's interface query): each is serialised once, not once per request. A frozen body
 * and everything it holds never change.
 */
const frozenBodies = new WeakMap<object, string>();

function bodyText(body: Readonly<Record<string, unknown>>): string {
  if (!Object.isFrozen(body)) return JSON.stringify(body);
  let text = frozenBodies.get(body);
  if (text === undefined) {
    text = JSON.stringify(body);
    frozenBodies.set(body, text);
  }
  return text;
}

function cachedRestPath(path: string): string {
  let where = restPaths.get(path);
  if (where === undefined) {
    where = restPath(path);
    if (restPaths.size < MAX_CACHED_PATHS) restPaths.set(path, where);
  }
  return where;
}

export function createRouterClient(options: RouterClientOptions): RouterRest {
  return new RestClient(options);
}

type Reply = { status: number; contentType: string | undefined; text: string };

class RestClient implements RouterRest {
  private readonly client: Client;
  private readonly getHeaders: Record<string, string>;
  private readonly postHeaders: Record<string, string>;
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly now: () => number;
  private requests = 0;
  private bytes = 0;
  private waitedMs = 0;
  private settledAt: number | undefined;
  /**
   * The signal of the work (a poll) this router's last request belonged to, and when that work
   * asked its first request. Held, not weakly referenced: a poll's Cancellation is a few dozen
   * bytes with its listeners gone, and a WeakRef per poll costs the collector more.
   */
  private workSignal: CancelSignal | undefined;
  private workSince = 0;

  constructor(private readonly options: RouterClientOptions) {
    const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
    // Built once per router: undici reads header objects without copying them. Literals, not a
    // spread: a spread gave nearly every router's object a hidden class of its own, and the
    // header loop of every request went megamorphic (bench/README.md, "Hidden classes").
    this.getHeaders = { authorization, accept: 'application/json' };
    this.postHeaders = { authorization, accept: 'application/json', 'content-type': 'application/json' };
    // One connection: a router's poll is sequential, and a second idle TLS socket is ~60 KB of RSS.
    this.client = new Client(new URL(options.url).origin, {
      pipelining: 1,
      keepAliveTimeout: KEEP_ALIVE_MS,
      // The request's own deadline (RequestDeadline) bounds the whole exchange: undici's timers
      // would only add a timer object per request that outlives the young generation.
      headersTimeout: 0,
      bodyTimeout: 0,
      maxResponseSize: MAX_REPLY_BYTES,
      connect: buildTlsConnect(options.tls, options.timeoutMs, options.tlsContexts),
    });
    this.limit = options.limit ?? (<T>(fn: () => Promise<T>) => fn());
    this.now = options.now ?? Date.now;
  }

  get(path: string, opts: RestOptions = {}): Promise<unknown> {
    return this.queued('GET', path, undefined, opts);
  }

  post(path: string, body: Record<string, unknown>, opts: RestOptions = {}): Promise<unknown> {
    const withProplist = opts.proplist && opts.proplist.length > 0 && body['.proplist'] === undefined ? withKey(body, '.proplist', opts.proplist.join(',')) : body;
    if (opts.filter && Object.keys(opts.filter).length > 0) {
      return Promise.reject(new TypeError('filter applies to GET only; POST …/print takes a ".query" in the body'));
    }
    return this.queued('POST', path, bodyText(withProplist), opts);
  }

  stats(): { requests: number; bytes: number } {
    return { requests: this.requests, bytes: this.bytes };
  }

  progress(): { settledAt: number | undefined; waitedMs: number } {
    return { settledAt: this.settledAt, waitedMs: this.waitedMs };
  }

  // destroy, not close: a Client whose TLS handshake failed on the host name never settles
  // close() (undici 7.30); the caller stops its polls before closing, so nothing is cut.
  close(): Promise<void> {
    return this.client.destroy();
  }

  /**
   * Waits for a request slot at most the request's timeout (then it is never sent), then sends
   * it with the full timeout for the router's reply: an overloaded bridge never eats into the
   * time a router has to answer, and every request ends within two timeouts.
   */
  private async queued(method: 'GET' | 'POST', path: string, body: string | undefined, opts: RestOptions): Promise<unknown> {
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const slots = this.options.slots;
    try {
      if (slots === undefined) return await this.limit(() => this.send(method, path, body, opts, timeoutMs));
      const asked = this.now();
      // The slot is taken and given back here, around the request: no closure, no extra promise per request.
      const waiting = slots.acquire(opts.signal, timeoutMs, this.rankOf(opts.signal, asked));
      if (waiting !== undefined) {
        try {
          await waiting;
        } catch (err) {
          throw this.unsent(method, path, err);
        } finally {
          this.waitedMs += this.now() - asked;
        }
      }
      try {
        return await this.send(method, path, body, opts, timeoutMs);
      } finally {
        slots.release();
      }
    } finally {
      this.settledAt = this.now();
    }
  }

  /**
   * A request's place among those waiting for a slot: when the work it belongs to began. The
   * requests of one poll share its signal, so they all rank at the poll's first request and a
   * poll that has begun is finished before later ones; a request without a signal, or with
   * another signal than the last one (a ping between two requests of a poll), ranks at once.
   */
  private rankOf(signal: CancelSignal | undefined, asked: number): number {
    if (signal === undefined) return asked;
    if (this.workSignal !== signal) {
      this.workSignal = signal;
      this.workSince = asked;
    }
    return this.workSince;
  }

  /** A request that never got a slot: it waited its timeout (the bridge is overloaded), or its poll was stopped. */
  private unsent(method: string, path: string, cause: unknown): RouterError {
    const where = cachedRestPath(path);
    if (cause instanceof SlotWaitExpired) {
      const reason = `not sent: ${cause.message} (every one of the \`concurrency\` slots busy: the bridge is overloaded, see /status "load")`;
      return new RouterError('BRIDGE_OVERLOADED', `${this.options.name}: ${method} ${where}: ${reason}`, { cause });
    }
    return this.fail(method, where, { code: 'ROUTER_TRANSIENT', detail: undefined, reason: 'aborted' }, { cause });
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | undefined, opts: RestOptions, timeoutMs: number): Promise<unknown> {
    const where = cachedRestPath(path);
    const query = method === 'GET' && (opts.proplist !== undefined || opts.filter !== undefined) ? restQuery(opts) : '';
    const deadline = new RequestDeadline(timeoutMs, opts.signal);
    const headers = body === undefined ? this.getHeaders : this.postHeaders;
    let reply: Reply;
    try {
      this.requests += 1;
      // The reply is read whole before it resolves: a failure here has no status to name.
      const res = await exchangeText(this.client, { path: `${where}${query}`, method, headers, body, cancel: deadline.cancel });
      this.bytes += res.bytes;
      const contentType = res.headers['content-type'];
      reply = { status: res.status, contentType: typeof contentType === 'string' ? contentType : undefined, text: res.text };
    } catch (err) {
      throw this.fail(method, where, transportFailure(err, deadline, timeoutMs), { cause: err });
    } finally {
      deadline.dispose();
    }
    return this.valueOf(method, where, reply);
  }

  /** The reply's JSON value, or the error its status or body stands for. */
  private valueOf(method: string, where: string, reply: Reply): unknown {
    if (reply.status < 200 || reply.status >= 300) {
      const c = classifyReply({ status: reply.status, contentType: reply.contentType, body: reply.text });
      throw this.fail(method, where, c, { status: reply.status });
    }
    const parsed = parseRouterJson(reply.text);
    if (!parsed.ok) {
      throw this.fail(method, where, { code: 'ROUTER_MALFORMED', detail: undefined, reason: `reply is not JSON (${parsed.reason})` }, { status: reply.status });
    }
    return parsed.value;
  }

  /** Router, method, path (no query), status, RouterOS detail, reason: never headers or URLs with credentials. */
  private fail(method: string, path: string, c: Classification, extra: { status?: number; cause?: unknown }): RouterError {
    const reply = [extra.status === undefined ? '' : `HTTP ${extra.status}`, c.detail === undefined ? '' : `"${c.detail}"`].filter((t) => t !== '').join(' ');
    const message = `${this.options.name}: ${method} ${path}: ${reply === '' ? '' : `${reply}: `}${c.reason}`;
    return new RouterError(c.code, message, { status: extra.status, detail: c.detail, cause: extra.cause });
  }
}

/** What a request that got no usable reply failed of: our timeout, the caller, the pin, or the transport. */
function transportFailure(err: unknown, deadline: RequestDeadline, timeoutMs: number): Classification {
  if (deadline.timedOut) return { code: 'ROUTER_TIMEOUT', detail: undefined, reason: `no reply within ${timeoutMs} ms` };
  if (deadline.callerSignal?.aborted) return { code: 'ROUTER_TRANSIENT', detail: undefined, reason: 'aborted' };
  if (err instanceof FingerprintMismatchError) return { code: 'ROUTER_TLS', detail: undefined, reason: err.message };
  return classifyTransport(err);
}
