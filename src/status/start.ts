/**
 * The local status server on node:http: `/healthz` (scheduler progress, never behind the
 * token, for Docker HEALTHCHECK and load balancers), `/status` (JSON per router) and
 * `/metrics` (Prometheus). With a token, every path but /healthz needs
 * `Authorization: Bearer <token>`. Read-only: it never changes what the bridge does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusRoute } from '../integrations/contract.js';
import type { FleetHealth } from '../router-view.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { bearerCheck } from './auth.js';
import { guardConnections } from './connection-guard.js';
import { formatHostPort, isLoopbackHost, parseListen } from '../config/listen.js';
import type { MetricsRegistry } from './metrics.js';
import { EXPOSITION_CONTENT_TYPE } from './prom-text.js';
import { statusDocument } from './status-view.js';

/** The fleet as the status server reads it. */
export type StatusBridge = FleetHealth;

/**
 * An extra set of paths served by another feature (e.g. an API for a dashboard's scripts):
 * returns false for a path it does not serve. It answers before the status token check, so it
 * must do its own authorization.
 */
export type { StatusRoute };

export interface StatusServerDeps {
  /** host:port; port 0 picks a free port (tests). */
  listen: string;
  token: string | undefined;
  bridge: StatusBridge;
  startedAt: number;
  metrics: MetricsRegistry;
  logger: Logger;
  version: string;
  now?: () => number;
  /** Consulted in order after /healthz and before the token check; see StatusRoute. */
  routes?: readonly StatusRoute[];
}

export interface StatusServer {
  close(): Promise<void>;
  /** The bound address as host:port (the real port when 0 was asked for). */
  address: string;
}

const ENDPOINTS = ['/healthz', '/status', '/metrics'];

/** A client must send its whole request head within this (slowloris bound). */
export const HEADERS_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** An idle keep-alive connection is closed after this. */
export const KEEP_ALIVE_TIMEOUT_MS = 2_000;
/** How often node checks the two timeouts above (its default is 30 s). */
const TIMEOUT_CHECK_MS = 500;
export const MAX_CONNECTIONS = 64;

export async function startStatusServer(deps: StatusServerDeps): Promise<StatusServer> {
  const where = parseListen(deps.listen, { allowPortZero: true });
  if (!where) throw new Error(`status.listen "${deps.listen}" is not host:port`);
  const now = deps.now ?? Date.now;
  const authorized = bearerCheck(deps.token);
  const log = deps.logger.child({ component: 'status' });

  const server = createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_MS, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      log.error({ err: errorMessage(err), path: urlOf(req).pathname }, 'status request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    }
  });
  // A local endpoint answers in milliseconds; a client that dawdles is cut off, and at the
  // connection limit the longest-idle socket makes room (see connection-guard.ts).
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  guardConnections(server, MAX_CONNECTIONS);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const path = url.pathname;
    if (path !== '/healthz') for (const route of deps.routes ?? []) if (route(req, res, url)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      const ok = deps.bridge.healthy(now(), deps.startedAt);
      if (ok) send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      else send(res, 503, 'text/plain; charset=utf-8', 'stalled: a router loop has not ticked within 3 report intervals\n');
      return;
    }
    if (!authorized(req.headers.authorization)) {
      // Never log the header: it may hold a near-miss of the real token.
      log.debug({ path, remote: req.socket.remoteAddress }, 'status request without a valid token');
      res.setHeader('www-authenticate', 'Bearer realm="tikprobe"');
      send(res, 401, 'text/plain; charset=utf-8', 'unauthorized: send "Authorization: Bearer <status.token>"\n');
      return;
    }
    switch (path) {
      case '/status': {
        const at = now();
        const doc = statusDocument({
          views: deps.bridge.view(),
          sinks: (router) => deps.metrics.sinkEndpoints(router),
          healthy: deps.bridge.healthy(at, deps.startedAt),
          version: deps.version,
          startedAt: deps.startedAt,
          now: at,
        });
        send(res, 200, 'application/json; charset=utf-8', `${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      case '/metrics': {
        const text = deps.metrics.render({
          views: deps.bridge.view(),
          healthy: deps.bridge.healthy(now(), deps.startedAt),
          version: deps.version,
          startedAt: deps.startedAt,
        });
        send(res, 200, EXPOSITION_CONTENT_TYPE, text);
        return;
      }
      case '/':
        send(res, 200, 'text/plain; charset=utf-8', `tikprobe ${deps.version}\n${ENDPOINTS.join('\n')}\n`);
        return;
      default:
        send(res, 404, 'text/plain; charset=utf-8', `not found; try ${ENDPOINTS.join(', ')}\n`);
    }
  };

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(new Error(`status server cannot listen on ${deps.listen}: ${err.code ?? errorMessage(err)}`));
    };
    server.once('error', onError);
    server.listen({ host: where.host, port: where.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err: errorMessage(err) }, 'status server error'));

  const bound = server.address() as AddressInfo;
  const address = formatHostPort(bound.address, bound.port);
  if (!isLoopbackHost(where.host) && deps.token === undefined) {
    log.warn({ address }, 'status server reachable beyond this machine without status.token: anyone who can reach it can read router state');
  }
  log.info({ address, auth: deps.token !== undefined ? 'bearer' : 'none' }, 'status server listening');

  let closing: Promise<void> | undefined;
  return {
    address,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** The request target as a URL; the fixed origin keeps a target such as `//x` a path. */
function urlOf(req: IncomingMessage): URL {
  return new URL(`http://status.invalid${req.url ?? '/'}`);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
