/**
 * exchangeText against a real loopback server whose replies are written byte by byte as a
 * test needs them (chunk boundaries inside a UTF-8 character, a byte-order mark, an
 * informational head, a reset mid-body), compared with undici's own `request()` then
 * `body.text()` on the same replies.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRng } from '@tikprobe/sim/prng.js';
import { Client, errors } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeText } from '../../src/http/text-exchange.js';
import { Cancellation } from '../../src/time/cancel.js';

type Reply = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** Replies by the request's path: `/body/N` serves bodies[N] in its chunks. */
let bodies: Buffer[][] = [];
const routes = new Map<string, Reply>();
let server: Server;
let origin: string;
const seen: { method: string; path: string; body: string; contentType: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', body, contentType: req.headers['content-type'] });
      const path = req.url ?? '';
      if (path.startsWith('/body/')) return writeChunks(res, bodies[Number(path.slice(6))] ?? []);
      const route = routes.get(path);
      if (route) return route(req, res, body);
      res.writeHead(404).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function writeChunks(res: ServerResponse, chunks: Buffer[]): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  for (const c of chunks) res.write(c);
  res.end();
}

/** Splits `bytes` at random places (inside multi-byte characters too). */
function split(bytes: Buffer, rng: () => number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(rng() * Math.min(bytes.length - at, 40));
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

const PIECES = ['{"a":1}', 'é', '中文', '😀', '\uFEFF', ' ', '"\\u0000"', 'x'.repeat(300)];

function randomBytes(rng: () => number): Buffer {
  const parts: Buffer[] = [];
  const n = Math.floor(rng() * 12);
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.1) parts.push(Buffer.from([0xff, 0xc3])); // invalid UTF-8
    else if (r < 0.2) parts.push(Buffer.from([0xef, 0xbb, 0xbf])); // a byte-order mark, at the start or not
    else parts.push(Buffer.from(PIECES[Math.floor(rng() * PIECES.length)] as string, 'utf8'));
  }
  return Buffer.concat(parts);
}

describe('exchangeText', () => {
  it('reads every body exactly as request() then body.text() does (generated bodies and chunkings, 2 seeds)', async () => {
    const client = new Client(origin, { pipelining: 1 });
    try {
      for (const seed of [7, 8]) {
        const rng = seededRng(seed);
        bodies = Array.from({ length: 60 }, () => split(randomBytes(rng), rng));
        for (let i = 0; i < bodies.length; i++) {
          const path = `/body/${i}`;
          const ours = await exchangeText(client, { path, method: 'GET', headers: {}, cancel: new Cancellation() });
          const theirs = await client.request({ path, method: 'GET' });
          const text = await theirs.body.text();
          expect(ours.text).toBe(text);
          expect(ours.status).toBe(theirs.statusCode);
          expect(ours.bytes).toBe(Buffer.concat(bodies[i] as Buffer[]).length);
          expect(ours.headers['content-type']).toBe('application/json');
        }
      }
    } finally {
      await client.close();
    }
  });

  it('hands back a non-2xx status with its headers and body, and sends a POST body as given', async () => {
    routes.set('/limited', (_req, res, body) => {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'text/plain' }).end(`slow down: ${body}`);
    });
    const client = new Client(origin);
    try {
      const reply = await exchangeText(client, {
        path: '/limited',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"é":1}',
        cancel: new Cancellation(),
      });
      expect(reply).toMatchObject({ status: 429, text: 'slow down: {"é":1}' });
      expect(reply.headers['retry-after']).toBe('7');
      expect(seen.at(-1)).toEqual({ method: 'POST', path: '/limited', body: '{"é":1}', contentType: 'application/json' });
    } finally {
      await client.close();
    }
  });

  it('reads the reply after an informational head, with the final head\'s status and headers', async () => {
    routes.set('/early', (_req, res) => {
      res.writeEarlyHints({ link: '</a>; rel=preload' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const client = new Client(origin);
    try {
      const reply = await exchangeText(client, { path: '/early', method: 'GET', headers: {}, cancel: new Cancellation() });
      expect(reply).toMatchObject({ status: 200, text: '{"ok":true}' });
      // The final head's headers, not the informational one's.
      expect(reply.headers.link).toBeUndefined();
      expect(reply.headers['content-type']).toBe('application/json');
    } finally {
      await client.close();
    }
  });

  it('a cancel while the reply is awaited ends the request with its reason; one given before sending sends nothing', async () => {
    let arrived = 0;
    routes.set('/hang', () => {
      arrived += 1; // never answers
    });
    const client = new Client(origin);
    try {
      const cancel = new Cancellation();
      const pending = exchangeText(client, { path: '/hang', method: 'GET', headers: {}, cancel });
      while (arrived === 0) await new Promise((resolve) => setImmediate(resolve));
      const reason = new Error('timeout');
      cancel.abort(reason);
      await expect(pending).rejects.toBe(reason);

      const before = seen.length;
      const early = new Cancellation();
      early.abort(new Error('aborted early'));
      await expect(exchangeText(client, { path: '/hang', method: 'GET', headers: {}, cancel: early })).rejects.toThrow('aborted early');
      expect(seen.length).toBe(before);
    } finally {
      await client.destroy();
    }
  });

  it("rejects with undici's error for a reply over maxResponseSize and for a connection cut mid-body", async () => {
    routes.set('/large', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('x'.repeat(5000));
    });
    routes.set('/cut', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setImmediate(() => res.socket?.destroy());
    });
    const small = new Client(origin, { maxResponseSize: 1000 });
    const client = new Client(origin);
    try {
      await expect(exchangeText(small, { path: '/large', method: 'GET', headers: {}, cancel: new Cancellation() })).rejects.toBeInstanceOf(
        errors.ResponseExceededMaxSizeError,
      );
      await expect(exchangeText(client, { path: '/cut', method: 'GET', headers: {}, cancel: new Cancellation() })).rejects.toBeInstanceOf(errors.SocketError);
    } finally {
      await Promise.all([small.destroy(), client.destroy()]);
    }
  });
});
