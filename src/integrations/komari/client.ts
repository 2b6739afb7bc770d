/**
 * The HTTP client for Komari's v1 agent endpoints. One undici Pool (keep-alive) serves every
 * router of the fleet: reports from hundreds of routers reuse a handful of connections.
 *
 * Secrets: a node token travels only as `?token=` (URL-encoded), the discovery key only in
 * the `Authorization` header of `register`. Error messages name the endpoint path and the
 * status, never a URL with its query, and any echo of a secret in a reply body is redacted
 * before the body is kept on the error.
 */
import { Pool, request } from 'undici';
import { z } from 'zod';
import { KomariError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { classifyKomariReply } from './classify.js';
import type { KomariBasicInfo, KomariReport } from './payload.js';
import { type KomariPingResult, type KomariPingTask, parsePingTasks } from './ping-tasks.js';

export type { KomariPingResult, KomariPingTask } from './ping-tasks.js';

export interface KomariClientOptions {
  /** e.g. `https://komari.example.com` or `https://host/komari`; `/api/...` is appended. */
  baseUrl: string;
  /** Per request, whole exchange. Komari may do a 5 s GeoIP lookup during basic info: use ≥ 30 s. */
  timeoutMs: number;
  /** Connections kept to Komari for the whole fleet; default 8. */
  connections?: number;
  /** Where dropped (malformed) ping tasks are reported; silent when absent. */
  logger?: Logger;
}

export interface KomariCredentials {
  uuid: string;
  token: string;
}

export interface KomariClientStats {
  requests: number;
  /** Requests that ended in a KomariError (any code). */
  failures: number;
  bytesSent: number;
  bytesReceived: number;
  /** Ping-task entries dropped as malformed, over the client's life. */
  droppedTasks: number;
}

export interface KomariClient {
  uploadBasicInfo(token: string, body: KomariBasicInfo, signal?: AbortSignal): Promise<void>;
  report(token: string, body: KomariReport, signal?: AbortSignal): Promise<void>;
  /** The node's ping tasks; `null` from the server is []; malformed entries are dropped one by one. */
  getPingTasks(token: string, signal?: AbortSignal): Promise<KomariPingTask[]>;
  postPingResult(token: string, result: KomariPingResult, signal?: AbortSignal): Promise<void>;
  /** Creates a NEW node named `Auto-<name>` on every call: persist the result, call once per router. */
  register(discoveryKey: string, name: string, signal?: AbortSignal): Promise<KomariCredentials>;
  /** The server's version (`0.0.1` on non-release builds). */
  version(signal?: AbortSignal): Promise<string>;
  stats(): KomariClientStats;
  close(): Promise<void>;
}

// Reports arrive every few seconds per router: keep connections open between them.
const KEEP_ALIVE_MS = 30_000;
// Every Komari reply here is small; a wrong URL must not make us buffer a large page.
const MAX_REPLY_BYTES = 4 * 1024 * 1024;
// Enough of a reply body to see the server's message; the rest is noise in logs.
const MAX_BODY_CHARS = 500;

const registerReply = z.object({ data: z.object({ uuid: z.string().min(1), token: z.string().min(1) }) });
const versionReply = z.object({ data: z.object({ version: z.string() }) });

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, string>;
  body: string | undefined;
  authorization?: string;
  /** Values to scrub from any reply text kept on an error. */
  secrets: string[];
  signal: AbortSignal | undefined;
}

export function createKomariClient(options: KomariClientOptions): KomariClient {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(origin, {
    connections: Math.max(1, options.connections ?? 8),
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_MS,
    maxResponseSize: MAX_REPLY_BYTES,
  });
  const counters: KomariClientStats = { requests: 0, failures: 0, bytesSent: 0, bytesReceived: 0, droppedTasks: 0 };

  const fail = (call: Call, code: KomariError['code'], reason: string, extra: { status?: number; body?: string } = {}) => {
    counters.failures++;
    const status = extra.status === undefined ? '' : ` HTTP ${extra.status}:`;
    return new KomariError(code, `Komari ${call.method} ${call.path}:${status} ${reason}`, extra);
  };

  /** Sends one request; resolves with the 2xx body text, rejects with a KomariError. */
  async function send(call: Call): Promise<string> {
    const query = new URLSearchParams(call.query).toString();
    const url = `${origin}${prefix}${call.path}${query === '' ? '' : `?${query}`}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onAbort = () => controller.abort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    if (call.signal?.aborted) controller.abort();

    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.authorization !== undefined) headers.authorization = call.authorization;
    let status: number;
    let text: string;
    try {
      counters.requests++;
      if (call.body !== undefined) counters.bytesSent += Buffer.byteLength(call.body);
      const res = await request(url, { dispatcher: pool, method: call.method, headers, body: call.body, signal: controller.signal });
      status = res.statusCode;
      const buf = Buffer.from(await res.body.arrayBuffer());
      counters.bytesReceived += buf.length;
      text = buf.toString('utf8');
    } catch (err) {
      // The cause is not attached: transport errors may carry request details we do not vet.
      if (timedOut) throw fail(call, 'KOMARI_TRANSIENT', `no reply within ${options.timeoutMs} ms`);
      if (call.signal?.aborted) throw fail(call, 'KOMARI_TRANSIENT', 'aborted');
      throw fail(call, 'KOMARI_TRANSIENT', transportReason(err));
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    }
    if (status < 200 || status >= 300) {
      const body = scrub(text, call.secrets);
      const c = classifyKomariReply(call.path, status, body);
      throw fail(call, c.code, scrub(c.reason, call.secrets), { status, body });
    }
    return text;
  }

  const parseJson = (call: Call, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw fail(call, 'KOMARI_TRANSIENT', 'reply is not JSON (is the url a Komari server?)');
    }
  };

  const tokenCall = (method: Call['method'], path: string, token: string, body: unknown, signal: AbortSignal | undefined): Call => ({
    method,
    path,
    query: { token },
    body: body === undefined ? undefined : JSON.stringify(body),
    secrets: [token],
    signal,
  });

  return {
    async uploadBasicInfo(token, body, signal) {
      await send(tokenCall('POST', '/api/clients/uploadBasicInfo', token, body, signal));
    },
    async report(token, body, signal) {
      await send(tokenCall('POST', '/api/clients/report', token, body, signal));
    },
    async getPingTasks(token, signal) {
      const call = tokenCall('GET', '/api/clients/ping/tasks', token, undefined, signal);
      const parsed = parsePingTasks(parseJson(call, await send(call)));
      if (!parsed) throw fail(call, 'KOMARI_TRANSIENT', 'reply is not a task list');
      if (parsed.dropped.length > 0) {
        counters.droppedTasks += parsed.dropped.length;
        options.logger?.warn({ dropped: parsed.dropped }, `Komari sent ${parsed.dropped.length} malformed ping task(s); ignoring them`);
      }
      return parsed.tasks;
    },
    async postPingResult(token, result, signal) {
      // Komari's `value` is an int: a fractional RTT would be refused with 400.
      const body: KomariPingResult = { ...result, task_id: Math.round(result.task_id), value: Math.round(result.value) };
      await send(tokenCall('POST', '/api/clients/ping/result', token, body, signal));
    },
    async register(discoveryKey, name, signal) {
      const call: Call = {
        method: 'POST',
        path: '/api/clients/register',
        query: { name },
        body: undefined,
        authorization: `Bearer ${discoveryKey}`,
        secrets: [discoveryKey],
        signal,
      };
      const reply = registerReply.safeParse(parseJson(call, await send(call)));
      if (!reply.success) throw fail(call, 'KOMARI_TRANSIENT', 'reply has no data.uuid and data.token');
      return { uuid: reply.data.data.uuid, token: reply.data.data.token };
    },
    async version(signal) {
      const call: Call = { method: 'GET', path: '/api/version', query: {}, body: undefined, secrets: [], signal };
      const reply = versionReply.safeParse(parseJson(call, await send(call)));
      if (!reply.success) throw fail(call, 'KOMARI_TRANSIENT', 'reply has no data.version');
      return reply.data.data.version;
    },
    stats: () => ({ ...counters }),
    close: () => pool.close(),
  };
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

/**
 * Tests a node token without sending data: `GET /api/clients/ping/tasks` is read-only and
 * answers 401 to a wrong token on every supported version (≥ 1.1.8). A 404 means the server
 * predates 1.1.8, where reports never mark a node online. Rejects with the KomariError.
 */
export async function verifyKomariToken(client: KomariClient, token: string, signal?: AbortSignal): Promise<void> {
  await client.getPingTasks(token, signal);
}
