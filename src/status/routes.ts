/**
 * The request side of the status server: which path answers what, the token check, and the
 * reply headers every answer carries. Knows nothing of sockets, listening or closing
 * (start.ts) nor of the connection limit (connection-guard.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { byRouterName, type FleetHealth, type RouterView } from '../router-view.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { bearerCheck } from './auth.js';
import type { MetricsRegistry } from './metrics.js';
import { EXPOSITION_CONTENT_TYPE } from './prom-text.js';
import { replyHead, sendPaced } from './paced-reply.js';
import { statusText } from './status-text.js';
import type { StatusRoute, StatusSection } from '../status-section.js';

/** What the request handler reads: the fleet, the metrics and the build it reports. */
export interface StatusRequestDeps {
  token: string | undefined;
  bridge: FleetHealth;
  startedAt: number;
  metrics: MetricsRegistry;
  version: string;
  now: () => number;
  /** Extra endpoints of the moment (a reload may change them), in order; see StatusRoute. */
  routes: () => readonly StatusRoute[];
  /** Blocks of /status and families of /metrics beyond the routers'; see StatusSection. */
  sections: () => readonly StatusSection[];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const ENDPOINTS = ['/healthz', '/status', '/metrics'];
const PLAIN = 'text/plain; charset=utf-8';

/** The node:http request listener: routes the request, and turns a throw into a 500. */
export function statusRequestHandler(deps: StatusRequestDeps, log: Logger): Handler {
  const handle = routeRequest(deps, log);
  return (req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      failed(res, err, urlOf(req).pathname, log);
    }
  };
}

/** A request that failed: a 500 while nothing was sent, else the connection cut; logged either way. */
function failed(res: ServerResponse, err: unknown, path: string, log: Logger): void {
  log.error({ err: errorMessage(err), path }, 'status request failed');
  if (!res.headersSent) send(res, 500, PLAIN, 'internal error\n');
  else res.destroy();
}

/**
 * Routes with their own auth, then method, /healthz (never behind the token), the token,
 * routes behind the token, then the paths.
 */
function routeRequest(deps: StatusRequestDeps, log: Logger): Handler {
  const authorized = bearerCheck(deps.token);
  const byPath = new Map<string, Handler>([
    ['/status', (_req, res) => serveStatus(deps, res, log)],
    ['/metrics', (_req, res) => serveMetrics(deps, res, log)],
    ['/', (_req, res) => send(res, 200, PLAIN, `tikprobe ${deps.version}\n${ENDPOINTS.join('\n')}\n`)],
  ]);
  return (req, res) => {
    const url = urlOf(req);
    const path = url.pathname;
    const routes = path === '/healthz' ? [] : deps.routes();
    for (const route of routes) if (route.auth === 'own' && route.handle(req, res, url)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res);
    if (path === '/healthz') return serveHealth(deps, res);
    if (!authorized(req.headers.authorization)) return unauthorized(req, res, path, log);
    for (const route of routes) if (route.auth === 'status-token' && route.handle(req, res, url)) return;
    const handler = byPath.get(path);
    if (handler) handler(req, res);
    else send(res, 404, PLAIN, `not found; try ${ENDPOINTS.join(', ')}\n`);
  };
}

function methodNotAllowed(res: ServerResponse): void {
  res.setHeader('allow', 'GET, HEAD');
  send(res, 405, PLAIN, 'method not allowed\n');
}

function unauthorized(req: IncomingMessage, res: ServerResponse, path: string, log: Logger): void {
  // Never log the header: it may hold a near-miss of the real token.
  log.debug({ path, remote: req.socket.remoteAddress }, 'status request without a valid token');
  res.setHeader('www-authenticate', 'Bearer realm="tikprobe"');
  send(res, 401, PLAIN, 'unauthorized: send "Authorization: Bearer <status.token>"\n');
}

function serveHealth(deps: StatusRequestDeps, res: ServerResponse): void {
  if (deps.bridge.healthy(deps.now(), deps.startedAt)) send(res, 200, PLAIN, 'ok\n');
  else send(res, 503, PLAIN, 'stalled: a router loop has not ticked within 3 report intervals\n');
}

function serveStatus(deps: StatusRequestDeps, res: ServerResponse, log: Logger): void {
  const at = deps.now();
  const input = {
    views: deps.bridge.viewsByName?.() ?? sortedViews(deps.bridge),
    sinks: (router: string) => deps.metrics.sinkEndpoints(router),
    links: (router: string) => deps.metrics.linkActivity(router),
    healthy: deps.bridge.healthy(at, deps.startedAt),
    version: deps.version,
    startedAt: deps.startedAt,
    now: at,
  };
  // Each section's block is read once the routers are written: as fresh as the reply's end.
  const blocks = (function* () {
    for (const section of deps.sections()) yield [section.name, section.status()] as const;
  })();
  paced(res, 'application/json; charset=utf-8', statusText(input, blocks), '/status', log);
}

/** A fleet without `viewsByName`: every view, sorted, read with the first router written (a HEAD reads none). */
function* sortedViews(bridge: FleetHealth): Generator<RouterView> {
  yield* bridge.view().sort((a, b) => byRouterName(a.name, b.name));
}

function serveMetrics(deps: StatusRequestDeps, res: ServerResponse, log: Logger): void {
  // Read with the first piece: a HEAD reads no view (≈ 110 ms at 5 000 routers).
  const pieces = (function* () {
    yield* deps.metrics.exposition({
      views: deps.bridge.view(),
      healthy: deps.bridge.healthy(deps.now(), deps.startedAt),
      version: deps.version,
      startedAt: deps.startedAt,
      extra: deps.sections().flatMap((s) => s.metrics?.() ?? []),
    });
  })();
  paced(res, EXPOSITION_CONTENT_TYPE, pieces, '/metrics', log);
}

/** A large reply in slices (paced-reply.ts). */
function paced(res: ServerResponse, contentType: string, pieces: Iterable<string>, path: string, log: Logger): void {
  sendPaced(res, contentType, pieces).catch((err: unknown) => failed(res, err, path, log));
}

/** The request target as a URL; the fixed origin keeps a target such as `//x` a path. */
function urlOf(req: IncomingMessage): URL {
  return new URL(`http://status.invalid${req.url ?? '/'}`);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  replyHead(res, status, contentType);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
