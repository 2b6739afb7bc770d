/**
 * The status server under hostile clients, with real sockets on loopback: a flood of idle
 * connections that reconnect as soon as they are closed, and slowloris clients that trickle
 * a request head, must not keep /healthz from answering.
 */
import { get as httpGet } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStatusServer } from '../support/status-server.js';
import { MAX_CONNECTIONS, type StatusServer } from '../../src/status/start.js';

let server: StatusServer | undefined;
let stopFlood = () => {};
afterEach(async () => {
  stopFlood();
  await server?.close();
  server = undefined;
});

async function start(): Promise<{ host: string; port: number }> {
  server = await startTestStatusServer({ startedAt: Date.now() });
  const [host, port] = server.address.split(':');
  return { host: host!, port: Number(port) };
}

/** `count` sockets that connect, send `head` (possibly nothing) and reconnect whenever closed. */
function flood(at: { host: string; port: number }, count: number, head: string): () => void {
  let stopped = false;
  const sockets = new Set<Socket>();
  const open = () => {
    if (stopped) return;
    const s = connect(at.port, at.host, () => {
      if (head !== '') s.write(head);
      s.resume();
    });
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => {
      sockets.delete(s);
      setImmediate(open);
    });
  };
  for (let i = 0; i < count; i++) open();
  return () => {
    stopped = true;
    for (const s of sockets) s.destroy();
  };
}

/** One GET on a fresh connection; resolves to the status, or to the error's name. */
function probe(at: { host: string; port: number }, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpGet({ host: at.host, port: at.port, path, agent: false, timeout: 3000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
  });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('status server under hostile clients', () => {
  it('answers /healthz 10 times out of 10 while 150 idle sockets reconnect as fast as they are closed', async () => {
    const at = await start();
    const stops = [flood(at, 150, '')];
    stopFlood = () => {
      for (const s of stops) s();
    };
    await settle(300);
    const results: (number | string)[] = [];
    for (let i = 0; i < 10; i++) results.push(await probe(at, '/healthz'));
    expect(results).toEqual(Array(10).fill(200));
  });

  it('also with slowloris clients trickling request heads and idle keep-alive sockets', async () => {
    const at = await start();
    const stops = [flood(at, 100, 'GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: '), flood(at, 100, '')];
    stopFlood = () => {
      for (const s of stops) s();
    };
    await settle(300);
    const results = await Promise.all(Array.from({ length: 10 }, () => probe(at, '/healthz')));
    expect(results).toEqual(Array(10).fill(200));
  });

  it('cuts off a client that never completes its request head within the header timeout', async () => {
    const at = await start();
    const s = connect(at.port, at.host, () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
    s.on('error', () => {});
    s.resume();
    const closedAfter = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      s.on('close', () => resolve(Date.now() - t0));
    });
    // headersTimeout 2 s, checked every 0.5 s (node's default check is every 30 s).
    expect(closedAfter).toBeLessThan(4000);
    expect(MAX_CONNECTIONS).toBeGreaterThan(0);
  });
});
