/**
 * The simulator's own counters over HTTP, for benchmarks and the curious:
 * `GET /stats` (every router) or `GET /stats?router=sim-0001` (one, by name or address).
 * Loopback only; it is not part of the simulated RouterOS API.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen } from './http-server.js';
import type { RouterStatsSnapshot } from './sim-stats.js';

export interface StatsServer {
  url: string;
  close(): Promise<void>;
}

export interface StatsBody {
  routers: number;
  requests: number;
  bytes: number;
  perRouter: RouterStatsSnapshot[];
}

export function statsBody(all: RouterStatsSnapshot[], router: string | null): StatsBody {
  const picked = router === null ? all : all.filter((r) => r.name === router || r.address === router);
  return {
    routers: picked.length,
    requests: picked.reduce((n, r) => n + r.requests, 0),
    bytes: picked.reduce((n, r) => n + r.bytes, 0),
    perRouter: picked,
  };
}

/** Listens on 127.0.0.1:`port`; when that port is taken, on a free one instead. */
export async function startStatsServer(port: number, read: () => RouterStatsSnapshot[]): Promise<StatsServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stats');
    if (req.method !== 'GET' || url.pathname !== '/stats') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: GET /stats[?router=NAME]\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(statsBody(read(), url.searchParams.get('router'))));
  });
  try {
    await listen(server, '127.0.0.1', port);
  } catch {
    await listen(server, '127.0.0.1', 0);
  }
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/stats`,
    close: () => closeServer(server),
  };
}
