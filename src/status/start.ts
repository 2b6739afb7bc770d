/**
 * The local status server on node:http: `/healthz` (scheduler progress, never behind the
 * token, for Docker HEALTHCHECK and load balancers), `/status` (JSON per router) and
 * `/metrics` (Prometheus). With a token, every path but /healthz needs
 * `Authorization: Bearer <token>`. Read-only: it never changes what the bridge does.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusRoute, StatusSection } from '../status-section.js';
import type { FleetHealth } from '../router-view.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { guardConnections } from './connection-guard.js';
import { formatHostPort, isLoopbackHost, type ListenAddress, parseListen } from '../config/listen.js';
import type { MetricsRegistry } from './metrics.js';
import { statusRequestHandler } from './routes.js';

/** The fleet as the status server reads it. */
export type StatusBridge = FleetHealth;


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
  /** Extra endpoints of the moment; see StatusRoute. */
  routes?: () => readonly StatusRoute[];
  /** Blocks of /status and families of /metrics beyond the routers'; see StatusSection. */
  sections?: () => readonly StatusSection[];
}

export interface StatusServer {
  close(): Promise<void>;
  /** The bound address as host:port (the real port when 0 was asked for). */
  address: string;
}

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
  const log = deps.logger.child({ component: 'status' });
  const { token, bridge, startedAt, metrics, version } = deps;
  const handler = statusRequestHandler({ token, bridge, startedAt, metrics, version, now: deps.now ?? Date.now, routes: deps.routes ?? (() => []), sections: deps.sections ?? (() => []) }, log);
  const server = guardedServer(handler);
  await listen(server, where, deps.listen);
  server.on('error', (err) => log.error({ err: errorMessage(err) }, 'status server error'));

  const bound = server.address() as AddressInfo;
  const address = formatHostPort(bound.address, bound.port);
  if (!isLoopbackHost(where.host) && deps.token === undefined) {
    log.warn({ address }, 'status server reachable beyond this machine without status.token: anyone who can reach it can read router state');
  }
  log.info({ address, auth: deps.token !== undefined ? 'bearer' : 'none' }, 'status server listening');
  return { address, close: closer(server) };
}

/**
 * A local endpoint answers in milliseconds; a client that dawdles is cut off, and at the
 * connection limit the longest-idle socket makes room (see connection-guard.ts).
 */
function guardedServer(handler: RequestListener): Server {
  const server = createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_MS, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, handler);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  guardConnections(server, MAX_CONNECTIONS);
  return server;
}

/** Binds exclusively; a bind failure rejects with the configured listen and the error code. */
function listen(server: Server, where: ListenAddress, configured: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(new Error(`status server cannot listen on ${configured}: ${err.code ?? errorMessage(err)}`));
    };
    server.once('error', onError);
    server.listen({ host: where.host, port: where.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Idempotent close: stops accepting, drops every open connection, resolves once closed. */
function closer(server: Server): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
}
