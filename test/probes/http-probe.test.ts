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
    '/to-error': (_req, res) => res.writeHead(302, { location: '/error' }).end(),
    '/slow-body': (_req, res) => {
      // Headers at once, the body 40 ms later.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      setTimeout(() => res.end('late body'), 40);
    },
    '/error': (_req, res) => res.writeHead(500).end('broken'),
    '/notfound': (_req, res) => res.writeHead(404).end(),
    '/hang': () => {
      // never answers
    },
    '/big': (_req, res) => {
      // Headers now, then a body that would take long to download (writing on when the client reads).
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      let closed = false;
      const more = () => {
        while (!closed && bodyBytesWritten <= 50 * 1024 * 1024) {
          bodyBytesWritten += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', () => setTimeout(more, 5));
        }
      };
      more();
      res.on('close', () => {
        closed = true;
        bigClosed = true;
      });
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const hop = /^\/hop\/(\d+)$/.exec(req.url ?? '');
      if (hop) return void res.writeHead(302, { location: `/hop/${Number(hop[1]) + 1}` }).end();
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

  it('follows redirects as both agents do (Go client: at most 10) and judges the final status', async () => {
    seen.length = 0;
    expect(await probe('/redirect')).toBeTypeOf('number');
    expect(seen).toEqual(['/redirect', '/ok']);
    expect(await probe('/to-error')).toBeUndefined();
    seen.length = 0;
    const nezha = await prober.measure(`${base}/hop/0`, { timeoutMs: 2000, signal: new AbortController().signal }, 'nezha');
    expect(nezha).toMatchObject({ ok: false, reason: 'stopped after 10 redirects' });
    expect(seen).toHaveLength(11);
    expect(await probe('/loop')).toBeUndefined();
    expect(await probe('/hop/0')).toBeUndefined();
  });

  it('Nezha: the delay lasts until the body has been read; Komari: until the headers', async () => {
    const nezha = await prober.measure(`${base}/slow-body`, { timeoutMs: 2000, signal: new AbortController().signal }, 'nezha');
    expect(nezha.ok).toBe(true);
    expect(nezha.delayMs).toBeGreaterThanOrEqual(40);
    const komari = await prober.measure(`${base}/slow-body`, { timeoutMs: 2000, signal: new AbortController().signal }, 'komari');
    expect(komari.ok).toBe(true);
    expect(komari.delayMs).toBeLessThan(nezha.delayMs!);
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

  it('Nezha: reads at most 1 MiB of a body, then stops the clock and hangs up', async () => {
    bigClosed = false;
    bodyBytesWritten = 0;
    const outcome = await prober.measure(`${base}/big`, { timeoutMs: 5000, signal: new AbortController().signal }, 'nezha');
    expect(outcome.ok).toBe(true);
    await expect.poll(() => bigClosed).toBe(true);
    expect(bodyBytesWritten).toBeLessThan(10 * 1024 * 1024);
  });

  it('Komari: never downloads the body', async () => {
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
