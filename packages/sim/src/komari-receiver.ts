/**
 * A built-in stand-in for a Komari server: the HTTP agent endpoints a bridge uses
 * (`report`, `uploadBasicInfo`, `ping/tasks`, `ping/result`, all with `?token=`), on
 * loopback, with payloads checked by the strict rules module so a payload the real server
 * would refuse is refused here too. It records what arrived and when, per node, for the
 * demo's table and the fleet benchmark (`GET /sim/nodes`, `GET /sim/summary`).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen, readBody } from './http-server.js';
import { checkBasicInfo, checkPingResult, checkReport, type KomariVerdict } from './komari-rules.js';

export interface PingTask {
  id: number;
  name: string;
  type: string;
  target: string;
  /** Seconds. */
  interval: number;
}

export interface ReceiverOptions {
  /** Node token → node name. Tokens not listed get 401, as on a real server. */
  tokens: ReadonlyMap<string, string>;
  host?: string;
  port?: number;
  /** The ping tasks every node gets, given the receiver's own base URL (for loopback targets). */
  tasks?: (baseUrl: string) => PingTask[];
  /** Which server version's basic-info rules apply. */
  basicInfoMode?: 'head' | '1.1.8';
  /** Epoch milliseconds (fractional) of an arrival. */
  now?: () => number;
}

export interface NodeRecord {
  name: string;
  uuid: string;
  /** Arrival time (epoch ms) of every accepted report, in order. */
  reportTimes: number[];
  lastReport: unknown;
  basicInfo: unknown;
  basicInfoCount: number;
  pingResults: { taskId: number; value: number; at: number }[];
  rejected: number;
  /** Status, body and rule of the last refused payload. */
  lastRejection: { endpoint: string; status: number; body: string; violation: string | undefined } | undefined;
}

export interface KomariReceiver {
  url: string;
  node(name: string): NodeRecord | undefined;
  nodes(): NodeRecord[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const UNAUTHORIZED = JSON.stringify({ status: 'error', message: 'Unauthorized.' });
const SUCCESS = JSON.stringify({ status: 'success' });

/** A stable uuid-shaped id per node, for the `clients` list of ping tasks. */
function nodeUuid(token: string): string {
  const h = createHash('sha256').update(`node:${token}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function startKomariReceiver(options: ReceiverOptions): Promise<KomariReceiver> {
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const mode = options.basicInfoMode ?? 'head';
  const records = new Map<string, NodeRecord>();
  for (const [token, name] of options.tokens) {
    records.set(token, {
      name,
      uuid: nodeUuid(token),
      reportTimes: [],
      lastReport: undefined,
      basicInfo: undefined,
      basicInfoCount: 0,
      pingResults: [],
      rejected: 0,
      lastRejection: undefined,
    });
  }
  let tasks: PingTask[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const body = (await readBody(req, MAX_BODY_BYTES))?.toString('utf8');
    const at = now();
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /ping') return reply(res, 200, 'pong', 'text/plain; charset=utf-8');
    if (route === 'GET /api/version') return reply(res, 200, JSON.stringify({ status: 'success', message: '', data: { version: '1.4.3', hash: 'tikprobe-sim' } }));
    if (route === 'GET /sim/nodes') return reply(res, 200, JSON.stringify([...records.values()]));
    if (route === 'GET /sim/summary') return reply(res, 200, JSON.stringify(summary(records.values(), beatOf(url.searchParams))));
    const endpoint = ENDPOINTS[route];
    if (!endpoint) return reply(res, 404, '404 page not found', 'text/plain');
    const node = records.get(url.searchParams.get('token') ?? '');
    if (!node) return reply(res, 401, UNAUTHORIZED);
    if (endpoint === 'tasks') {
      return reply(res, 200, JSON.stringify(tasks.map((t) => ({ ...t, weight: t.id, clients: [node.uuid], default_on: false }))));
    }
    if (body === undefined) return reply(res, 400, JSON.stringify({ error: 'Invalid request body' }));
    const verdict: KomariVerdict =
      endpoint === 'report' ? checkReport(body) : endpoint === 'basicInfo' ? checkBasicInfo(body, mode) : checkPingResult(body);
    if (!verdict.ok) {
      node.rejected++;
      node.lastRejection = { endpoint: route, status: verdict.status, body: verdict.body, violation: verdict.violation };
      return reply(res, verdict.status, verdict.body);
    }
    if (endpoint === 'report') {
      node.reportTimes.push(at);
      node.lastReport = verdict.value;
    } else if (endpoint === 'basicInfo') {
      node.basicInfo = verdict.value;
      node.basicInfoCount++;
    } else {
      const v = verdict.value as { task_id?: unknown; value?: unknown };
      node.pingResults.push({ taskId: Number(v.task_id), value: Number(v.value), at });
    }
    return reply(res, 200, SUCCESS);
  };

  const host = options.host ?? '127.0.0.1';
  await listen(server, host, options.port ?? 0);
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  tasks = options.tasks?.(url) ?? [];

  return {
    url,
    node: (name) => [...records.values()].find((r) => r.name === name),
    nodes: () => [...records.values()],
    close: () => closeServer(server),
  };
}

/** A report interval and tolerance asked for with `?interval=MS&tolerance=MS`, if both are given. */
function beatOf(query: URLSearchParams): { intervalMs: number; toleranceMs: number } | undefined {
  const intervalMs = Number(query.get('interval'));
  const toleranceMs = Number(query.get('tolerance'));
  return intervalMs > 0 && toleranceMs >= 0 && query.has('tolerance') ? { intervalMs, toleranceMs } : undefined;
}

interface ReceiverSummary {
  nodes: number;
  reporting: number;
  reports: number;
  rejected: number;
  /**
   * With a beat asked for: the nodes whose last three reports came one interval apart each,
   * within the tolerance (a fleet still catching up after its start reports at shorter gaps).
   */
  onBeat?: number;
}

/** How many nodes have reported and how often: cheap enough to poll while 5 000 nodes report. */
function summary(nodes: Iterable<NodeRecord>, beat?: { intervalMs: number; toleranceMs: number }): ReceiverSummary {
  let n = 0;
  let reporting = 0;
  let reports = 0;
  let rejected = 0;
  let onBeat = 0;
  for (const node of nodes) {
    n++;
    const times = node.reportTimes;
    if (times.length > 0) reporting++;
    reports += times.length;
    rejected += node.rejected;
    if (beat !== undefined && times.length >= 3) {
      const gap = (i: number) => Math.abs(times[i]! - times[i - 1]! - beat.intervalMs) <= beat.toleranceMs;
      if (gap(times.length - 1) && gap(times.length - 2)) onBeat++;
    }
  }
  return { nodes: n, reporting, reports, rejected, ...(beat === undefined ? {} : { onBeat }) };
}

type Endpoint = 'report' | 'basicInfo' | 'tasks' | 'result';

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /api/clients/report': 'report',
  'POST /api/clients/uploadBasicInfo': 'basicInfo',
  'GET /api/clients/ping/tasks': 'tasks',
  'POST /api/clients/ping/result': 'result',
};

function reply(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) }).end(body);
}
