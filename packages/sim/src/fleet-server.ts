/**
 * Serves the simulated routers over HTTP(S): one `node:http` server per router on its own
 * loopback address and the shared port, because the bridge connects to distinct hosts and
 * a per-address listener is cheap (5 000 take ~0.2 s and ~27 MB; the limit is the open-file
 * limit, one descriptor per router plus one per client connection).
 *
 * The HTTP side of RouterOS lives here: Basic auth on every request (401 with
 * `WWW-Authenticate: Basic`), 415 for a body without a JSON content type, requests of the
 * one user served one at a time in arrival order, and slow commands finishing late.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { closeServer, listen, readBody } from './http-server.js';
import { numberLiterals, parseRawJson, toPlain } from './json-literals.js';
import { RestApi } from './rest-api.js';
import { rosError, type SimReply } from './ros-reply.js';
import type { SimRouter } from './sim-router.js';
import { type PathCount, RouterStats, type RouterStatsSnapshot } from './sim-stats.js';

export const SIM_USERNAME = 'tikprobe';
/** Longest request body the simulator reads; RouterOS commands are small. */
const MAX_BODY_BYTES = 64 * 1024;
/** Idle keep-alive connections stay open this long (announced in the Keep-Alive header). */
const KEEP_ALIVE_MS = 60_000;

export interface FleetOptions {
  routers: SimRouter[];
  /** 0: the first router picks a free port and every other router uses the same one. */
  port: number;
  password: string;
  tls?: { key: string; cert: string };
  now?: () => number;
}

export interface Fleet {
  port: number;
  scheme: 'http' | 'https';
  routers: SimRouter[];
  stats(): RouterStatsSnapshot[];
  close(): Promise<void>;
}

interface Served {
  router: SimRouter;
  api: RestApi;
  stats: RouterStats;
  /** The router's one user runs one request at a time: each waits for the one before. */
  queue: Promise<void>;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const now = options.now ?? Date.now;
  const expected = `Basic ${Buffer.from(`${SIM_USERNAME}:${options.password}`).toString('base64')}`;
  const timers = new Set<NodeJS.Timeout>();
  const servers: Server[] = [];
  const served: Served[] = [];
  let port = options.port;
  let closing = false;

  const close = async () => {
    closing = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await Promise.all(servers.map(closeServer));
  };

  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  try {
    for (const router of options.routers) {
      const s: Served = { router, api: new RestApi(router), stats: new RouterStats(router.name, router.address), queue: Promise.resolve() };
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        handle(s, req, res, { expected, now, later, isClosing: () => closing }).catch(() => res.destroy());
      };
      const server = options.tls
        ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, maxVersion: 'TLSv1.2', keepAliveTimeout: KEEP_ALIVE_MS }, onRequest)
        : createHttpServer({ keepAliveTimeout: KEEP_ALIVE_MS }, onRequest);
      await listen(server, router.address, port);
      if (port === 0) port = (server.address() as AddressInfo).port;
      servers.push(server);
      served.push(s);
    }
  } catch (e) {
    await close();
    if ((e as NodeJS.ErrnoException).code === 'EMFILE') {
      throw new Error(`too many open files after ${servers.length} routers: raise the limit (ulimit -n) to at least 3 × --routers`);
    }
    throw e;
  }

  return {
    port,
    scheme: options.tls ? 'https' : 'http',
    routers: options.routers,
    stats: () => served.map((s) => s.stats.snapshot()),
    close,
  };
}

interface HandleDeps {
  expected: string;
  now: () => number;
  later: (ms: number) => Promise<void>;
  isClosing: () => boolean;
}

async function handle(s: Served, req: IncomingMessage, res: ServerResponse, deps: HandleDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://router');
  const method = req.method ?? 'GET';
  const count = s.stats.request(`${method} ${url.pathname}`);
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!url.pathname.startsWith('/rest/') && url.pathname !== '/rest') return send(res, count, s.stats, rosError(404));
  if (req.headers.authorization !== deps.expected) {
    return send(res, count, s.stats, rosError(401, undefined, { 'WWW-Authenticate': 'Basic realm="RouterOS"' }));
  }
  if (body === undefined) return send(res, count, s.stats, rosError(400, 'Failed to parse json'));
  let parsed: Record<string, unknown> | undefined;
  if (body.length > 0) {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return send(res, count, s.stats, rosError(415));
    parsed = parseObject(body);
    if (parsed === undefined) return send(res, count, s.stats, rosError(400, 'Failed to parse json'));
  }
  if (/%2a/i.test(url.pathname)) return send(res, count, s.stats, rosError(400, 'no such command prefix'));
  const path = decodeURIComponent(url.pathname.slice('/rest'.length)).replace(/^\/+|\/+$/g, '');

  // The router serves one user's requests in arrival order; a slow /ping delays the rest.
  const turn = s.queue.then(async () => {
    let reply = s.api.handle({ method, path, query: url.searchParams, body: parsed }, deps.now());
    while (reply.kind === 'later') {
      await deps.later(reply.afterMs);
      if (deps.isClosing()) return;
      reply = reply.reply();
    }
    await send(res, count, s.stats, reply);
  });
  s.queue = turn.catch(() => undefined);
  await turn;
}

/** A JSON object body, or undefined where the router answers `Failed to parse json` (it refuses exponents too). */
function parseObject(body: Buffer): Record<string, unknown> | undefined {
  const parsed = parseRawJson(body.toString('utf8'));
  if (!parsed.ok || parsed.value.kind !== 'object') return undefined;
  if (numberLiterals(parsed.value).some((n) => /[eE]/.test(n.raw))) return undefined;
  return toPlain(parsed.value) as Record<string, unknown>;
}

async function send(res: ServerResponse, count: PathCount, stats: RouterStats, reply: SimReply): Promise<void> {
  if (res.destroyed) return;
  if (reply.kind === 'json') {
    const bytes = Buffer.byteLength(reply.body);
    res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': bytes, ...reply.headers });
    res.end(reply.body);
    stats.sent(count, bytes);
    return;
  }
  if (reply.kind === 'later') throw new Error('a delayed reply must be resolved before sending');
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (const chunk of reply.chunks) {
    if (res.destroyed) return;
    const bytes = Buffer.byteLength(chunk);
    stats.sent(count, bytes);
    if (!res.write(chunk)) await drained(res);
  }
  res.end();
}

/** Waits until the socket takes more data, or the client is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
