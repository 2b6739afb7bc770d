/**
 * The HTTP client for Komari's v1 agent endpoints. One transport (transport.ts) serves every
 * router of the fleet: reports from hundreds of routers reuse a handful of keep-alive
 * connections, ping tasks and results have their own few, and a Retry-After is honoured.
 *
 * Secrets: a node token travels only as `?token=` (URL-encoded), the discovery key only in
 * the `Authorization` header of `register`. Error messages name the endpoint path and the
 * status, never a URL with its query, and any echo of a secret in a reply body is redacted
 * before the body is kept on the error.
 */
import { z } from 'zod';
import type { Logger } from '../../log.js';
import type { KomariBasicInfo, KomariReport } from './payload.js';
import { type KomariPingResult, type KomariPingTask, parsePingTasks } from './ping-tasks.js';
import { type Call, KomariTransport, type Lane } from './transport.js';
import type { CancelSignal } from '../../time/cancel.js';

export type { KomariPingResult, KomariPingTask } from './ping-tasks.js';

export interface KomariClientOptions {
  /** e.g. `https://komari.example.com` or `https://host/komari`; `/api/...` is appended. */
  baseUrl: string;
  /** Per request, whole exchange. Komari may do a 5 s GeoIP lookup during basic info: use ≥ 30 s. */
  timeoutMs: number;
  /** Connections kept to Komari for the whole fleet's reports and basic info; default 8. */
  connections?: number;
  /** Connections for ping tasks and results, apart from the reports'; default 2. */
  taskConnections?: number;
  /** Epoch ms (Retry-After holds); default Date.now. */
  now?: () => number;
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
  uploadBasicInfo(token: string, body: KomariBasicInfo, signal?: CancelSignal): Promise<void>;
  report(token: string, body: KomariReport, signal?: CancelSignal): Promise<void>;
  /** The node's ping tasks; `null` from the server is []; malformed entries are dropped one by one. */
  getPingTasks(token: string, signal?: CancelSignal): Promise<KomariPingTask[]>;
  postPingResult(token: string, result: KomariPingResult, signal?: CancelSignal): Promise<void>;
  /** Creates a NEW node named `Auto-<name>` on every call: persist the result, call once per router. */
  register(discoveryKey: string, name: string, signal?: CancelSignal): Promise<KomariCredentials>;
  /** The server's version (`0.0.1` on non-release builds). */
  version(signal?: CancelSignal): Promise<string>;
  stats(): KomariClientStats;
  close(): Promise<void>;
}

const registerReply = z.object({ data: z.object({ uuid: z.string().min(1), token: z.string().min(1) }) });
const versionReply = z.object({ data: z.object({ version: z.string() }) });

/** A call authenticated by a node token (`?token=`, never logged). */
function tokenCall(method: Call['method'], path: string, token: string, body: unknown, signal: CancelSignal | undefined, lane: Lane = 'main'): Call {
  return { method, path, query: { token }, body: body === undefined ? undefined : JSON.stringify(body), secrets: [token], signal, lane };
}

function parseJson(wire: KomariTransport, call: Call, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw wire.fail(call, 'KOMARI_TRANSIENT', 'reply is not JSON (is the url a Komari server?)');
  }
}

export function createKomariClient(options: KomariClientOptions): KomariClient {
  const wire = new KomariTransport(options);
  let droppedTasks = 0;
  const send = (call: Call) => wire.send(call);
  const fail: KomariTransport['fail'] = (...args) => wire.fail(...args);

  return {
    async uploadBasicInfo(token, body, signal) {
      await send(tokenCall('POST', '/api/clients/uploadBasicInfo', token, body, signal));
    },
    async report(token, body, signal) {
      await send(tokenCall('POST', '/api/clients/report', token, body, signal));
    },
    async getPingTasks(token, signal) {
      const call = tokenCall('GET', '/api/clients/ping/tasks', token, undefined, signal, 'tasks');
      const parsed = parsePingTasks(parseJson(wire, call, await send(call)));
      if (!parsed) throw fail(call, 'KOMARI_TRANSIENT', 'reply is not a task list');
      if (parsed.dropped.length > 0) {
        droppedTasks += parsed.dropped.length;
        options.logger?.warn({ dropped: parsed.dropped }, `Komari sent ${parsed.dropped.length} malformed ping task(s); ignoring them`);
      }
      return parsed.tasks;
    },
    async postPingResult(token, result, signal) {
      // Komari's `value` is an int: a fractional RTT would be refused with 400.
      const body: KomariPingResult = { ...result, task_id: Math.round(result.task_id), value: Math.round(result.value) };
      await send(tokenCall('POST', '/api/clients/ping/result', token, body, signal, 'tasks'));
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
      const reply = registerReply.safeParse(parseJson(wire, call, await send(call)));
      if (!reply.success) throw fail(call, 'KOMARI_TRANSIENT', 'reply has no data.uuid and data.token');
      return { uuid: reply.data.data.uuid, token: reply.data.data.token };
    },
    async version(signal) {
      const call: Call = { method: 'GET', path: '/api/version', query: {}, body: undefined, secrets: [], signal };
      const reply = versionReply.safeParse(parseJson(wire, call, await send(call)));
      if (!reply.success) throw fail(call, 'KOMARI_TRANSIENT', 'reply has no data.version');
      return reply.data.data.version;
    },
    stats: () => ({ ...wire.counters, droppedTasks }),
    close: () => wire.close(),
  };
}

/**
 * Tests a node token without sending data: `GET /api/clients/ping/tasks` is read-only and
 * answers 401 to a wrong token on every supported version (≥ 1.1.8). A 404 means the server
 * predates 1.1.8, where reports never mark a node online. Rejects with the KomariError.
 */
export async function verifyKomariToken(client: KomariClient, token: string, signal?: CancelSignal): Promise<void> {
  await client.getPingTasks(token, signal);
}
