import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpProber, type HttpProber } from '../../src/probes/http-probe.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('HttpProber against loopback servers', () => {
  let server: Server;
  let base: string;
  let prober: HttpProber;
  const seen: string[] = [];
  let bodyBytesWritten = 0;
  let bigClosed = false;
  const routes: Record<string, Handler> = {
    '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('fine'),
    '/redirect': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/loop': (_req, res) => res.writeHead(301, { location: '/loop' }).end(),
    '/error': (_req, res) => res.writeHead(500).end('broken'),
    '/notfound': (_req, res) => res.writeHead(404).end(),
    '/hang': () => {
      // never answers
    },
    '/big': (_req, res) => {
      // Headers now, then a body that would take long to download: the probe must not read it.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      const timer = setInterval(() => {
        bodyBytesWritten += chunk.length;
        if (!res.write(chunk) || bodyBytesWritten > 50 * 1024 * 1024) clearInterval(timer);
      }, 5);
      res.on('close', () => {
        clearInterval(timer);
        bigClosed = true;
      });
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      (routes[req.url ?? ''] ?? ((_q: IncomingMessage, r: ServerResponse) => r.writeHead(404).end()))(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    prober = createHttpProber();
  });

  afterAll(async () => {
    await prober.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const probe = (path: string, timeoutMs = 2000) => prober.probe(`${base}${path}`, { timeoutMs, signal: new AbortController().signal });

  it('measures the time to the headers of a 200', async () => {
    const ms = await probe('/ok');
    expect(ms).toBeTypeOf('number');
    expect(ms).toBeLessThan(2000);
  });

  it('counts a 302 as success and does not follow it', async () => {
    seen.length = 0;
    expect(await probe('/redirect')).toBeTypeOf('number');
    expect(await probe('/loop')).toBeTypeOf('number');
    expect(seen).toEqual(['/redirect', '/loop']);
  });

  it('counts 500 and 404 as a loss', async () => {
    expect(await probe('/error')).toBeUndefined();
    expect(await probe('/notfound')).toBeUndefined();
  });

  it('gives up on a server that never answers after its own timeout', async () => {
    const started = performance.now();
    expect(await probe('/hang', 200)).toBeUndefined();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1000);
  });

  it('never downloads the body', async () => {
    expect(await probe('/big')).toBeTypeOf('number');
    // The probe hangs up right after the headers: the server sees the close after a few chunks.
    await expect.poll(() => bigClosed).toBe(true);
    expect(bodyBytesWritten).toBeLessThan(5 * 1024 * 1024);
  });

  it('counts a refused connection as a loss', async () => {
    expect(await prober.probe('http://127.0.0.1:1/', { timeoutMs: 2000, signal: new AbortController().signal })).toBeUndefined();
  });

  it('rejects (no measurement) when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = prober.probe(`${base}/hang`, { timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});
