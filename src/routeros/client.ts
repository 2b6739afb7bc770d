/**
 * The REST client for one router: one undici Client (one keep-alive connection, no
 * pipelining: a poll is sequential), HTTP Basic auth sent with every request, a timeout per
 * request, errors classified into stable codes. Credentials live only in the prebuilt Authorization header
 * and never reach an error message.
 */
import { Client } from 'undici';
import { RouterError } from '../errors.js';
import { classifyReply, classifyTransport, type Classification } from './classify.js';
import { parseRouterJson } from './json.js';
import { RequestCancel } from './request-cancel.js';
import type { RestOptions, RouterRest } from './rest.js';
import { buildTlsConnect, FingerprintMismatchError, type RouterTlsOptions } from './tls.js';
import type { TlsContexts } from './tls-contexts.js';

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
  /** Per request, from the moment it leaves the fleet-wide limit. */
  timeoutMs: number;
  /** The fleet-wide concurrency limit; wraps every request. */
  limit?: <T>(fn: () => Promise<T>) => Promise<T>;
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

function cachedRestPath(path: string): string {
  let where = restPaths.get(path);
  if (where === undefined) {
    where = restPath(path);
    if (restPaths.size < MAX_CACHED_PATHS) restPaths.set(path, where);
  }
  return where;
}

export function createRouterClient(options: RouterClientOptions): RouterRest {
  const origin = new URL(options.url).origin;
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
  // Built once per router: undici reads header objects without copying them.
  const getHeaders = { authorization, accept: 'application/json' };
  const postHeaders = { ...getHeaders, 'content-type': 'application/json' };
  // One connection: a router's poll is sequential, and a second idle TLS socket is ~60 KB of RSS.
  const client = new Client(origin, {
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_MS,
    maxResponseSize: MAX_REPLY_BYTES,
    connect: buildTlsConnect(options.tls, options.timeoutMs, options.tlsContexts),
  });
  const limit = options.limit ?? (<T>(fn: () => Promise<T>) => fn());
  let requests = 0;
  let bytes = 0;

  // Router, method, path (no query), status, RouterOS detail, reason: never headers or URLs with credentials.
  const fail = (method: string, path: string, c: Classification, extra: { status?: number; cause?: unknown }) => {
    const reply = [extra.status === undefined ? '' : `HTTP ${extra.status}`, c.detail === undefined ? '' : `"${c.detail}"`]
      .filter((s) => s !== '')
      .join(' ');
    const message = `${options.name}: ${method} ${path}: ${reply === '' ? '' : `${reply}: `}${c.reason}`;
    return new RouterError(c.code, message, { status: extra.status, detail: c.detail, cause: extra.cause });
  };

  async function send(method: 'GET' | 'POST', path: string, body: string | undefined, opts: RestOptions): Promise<unknown> {
    const where = cachedRestPath(path);
    const query = method === 'GET' && (opts.proplist !== undefined || opts.filter !== undefined) ? restQuery(opts) : '';
    const timeoutMs = opts.timeoutMs ?? options.timeoutMs;
    const cancel = new RequestCancel();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      cancel.abort(new Error('timeout'));
    }, timeoutMs);
    const callerSignal = opts.signal;
    const onCallerAbort = () => cancel.abort(new Error('aborted'));
    if (callerSignal !== undefined) {
      if (callerSignal.aborted) cancel.abort(new Error('aborted'));
      else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    }

    const headers = body === undefined ? getHeaders : postHeaders;
    let status: number | undefined;
    let reply: { status: number; contentType: string | undefined; text: string };
    try {
      requests += 1;
      const res = await client.request({ path: `${where}${query}`, method, headers, body, signal: cancel });
      status = res.statusCode;
      const text = await res.body.text();
      bytes += Buffer.byteLength(text, 'utf8');
      const contentType = res.headers['content-type'];
      reply = { status, contentType: typeof contentType === 'string' ? contentType : undefined, text };
    } catch (err) {
      if (timedOut) {
        throw fail(method, where, { code: 'ROUTER_TIMEOUT', detail: undefined, reason: `no reply within ${timeoutMs} ms` }, { status, cause: err });
      }
      if (callerSignal?.aborted) {
        throw fail(method, where, { code: 'ROUTER_TRANSIENT', detail: undefined, reason: 'aborted' }, { status, cause: err });
      }
      if (err instanceof FingerprintMismatchError) {
        throw fail(method, where, { code: 'ROUTER_TLS', detail: undefined, reason: err.message }, { cause: err });
      }
      throw fail(method, where, classifyTransport(err), { status, cause: err });
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }

    if (reply.status < 200 || reply.status >= 300) {
      const c = classifyReply({ status: reply.status, contentType: reply.contentType, body: reply.text });
      throw fail(method, where, c, { status: reply.status });
    }
    const parsed = parseRouterJson(reply.text);
    if (!parsed.ok) {
      const reason = `reply is not JSON (${parsed.reason})`;
      throw fail(method, where, { code: 'ROUTER_MALFORMED', detail: undefined, reason }, { status: reply.status });
    }
    return parsed.value;
  }

  return {
    get: (path, opts = {}) => limit(() => send('GET', path, undefined, opts)),
    post: (path, body, opts = {}) => {
      const withProplist =
        opts.proplist && opts.proplist.length > 0 && body['.proplist'] === undefined
          ? { ...body, '.proplist': opts.proplist.join(',') }
          : body;
      if (opts.filter && Object.keys(opts.filter).length > 0) {
        return Promise.reject(new TypeError('filter applies to GET only; POST …/print takes a ".query" in the body'));
      }
      return limit(() => send('POST', path, JSON.stringify(withProplist), opts));
    },
    stats: () => ({ requests, bytes }),
    // destroy, not close: a Client whose TLS handshake failed on the host name never settles
    // close() (undici 7.30); the caller stops its polls before closing, so nothing is cut.
    close: () => client.destroy(),
  };
}
