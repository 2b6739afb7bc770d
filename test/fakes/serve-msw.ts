/**
 * Serves msw request handlers on a real loopback port, so tests go through the production
 * transport (undici request, keep-alive, TLS) instead of an intercepted fetch.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

export interface MswServer {
  url: string;
  port: number;
  /** Every request seen, in order: method, path with query, and the raw body. */
  requests: { method: string; url: string; body: string; headers: Record<string, string> }[];
  /** Replace the handlers (e.g. to inject a fault mid-test). Earlier ones still apply after these. */
  use(...handlers: RequestHandler[]): void;
  /** Drop handlers added with use(). */
  resetHandlers(): void;
  close(): Promise<void>;
}

export interface ServeOptions {
  host?: string;
  port?: number;
  tls?: { key: string; cert: string };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function serveMsw(initial: RequestHandler[], options: ServeOptions = {}): Promise<MswServer> {
  let extra: RequestHandler[] = [];
  const requests: MswServer['requests'] = [];
  const host = options.host ?? '127.0.0.1';
  const scheme = options.tls ? 'https' : 'http';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = `${scheme}://${req.headers.host ?? host}${req.url ?? '/'}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', body: body.toString('utf8'), headers });
    const request = new Request(url, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const response = await getResponse([...extra, ...initial], request);
    if (!response) {
      res.writeHead(599, { 'content-type': 'text/plain' }).end(`no handler for ${req.method} ${req.url}`);
      return;
    }
    if (response.type === 'error') {
      req.socket.destroy();
      return;
    }
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      out[k] = v;
    });
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(598, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${scheme}://${host}:${port}`,
    port,
    requests,
    use: (...h) => {
      extra = [...h, ...extra];
    },
    resetHandlers: () => {
      extra = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
