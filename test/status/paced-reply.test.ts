import { once } from 'node:events';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type PacedOptions, sendPaced } from '../../src/status/paced-reply.js';

let server: Server | undefined;
/** The sendPaced of the last request: it settles once the reply has ended or the client went away. */
let replying: Promise<void> | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A loopback server whose every request is answered with `pieces()` through sendPaced. */
async function serve(pieces: () => Iterable<string>, options: PacedOptions = {}, onError = (_err: unknown, _res: ServerResponse) => {}): Promise<number> {
  server = createServer((_req, res) => {
    replying = sendPaced(res, 'text/plain; charset=utf-8', pieces(), options).catch((err: unknown) => onError(err, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function get(port: number, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a reply written in slices', () => {
  it('sends every piece in order, chunked, with the status headers', async () => {
    const parts = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`);
    const port = await serve(() => parts, { chunkChars: 1000 });
    const res = await get(port);
    expect(res.status).toBe(200);
    expect(res.body).toBe(parts.join(''));
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives the event loop its turn between slices, and only then', async () => {
    // A turn of the loop is seen by an immediate queued when the reply starts.
    const seen = async (sliceMs: number) => {
      let turned = false;
      let turnedBeforeEnd: boolean | undefined;
      const port = await serve(
        function* () {
          setImmediate(() => {
            turned = true;
          });
          for (let i = 0; i < 50; i++) yield `${i}\n`;
          turnedBeforeEnd = turned;
        },
        { sliceMs },
      );
      await get(port);
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
      return turnedBeforeEnd;
    };
    expect(await seen(0)).toBe(true);
    expect(await seen(Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('answers HEAD with the headers and makes no piece', async () => {
    const made = vi.fn();
    const port = await serve(function* () {
      made();
      yield 'never\n';
    });
    const res = await get(port, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(made).not.toHaveBeenCalled();
  });

  it('stops making pieces when the client goes away', async () => {
    let made = 0;
    const port = await serve(
      function* () {
        for (;;) {
          made++;
          yield 'x'.repeat(1000);
        }
      },
      { sliceMs: 0, chunkChars: 1000 },
    );
    const socket = connect(port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    socket.destroy();
    // The reply ends without an error once the socket is gone, and no piece follows.
    await replying;
    const stopped = made;
    expect(stopped).toBeGreaterThan(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(made).toBe(stopped);
  });

  it('waits for a client that does not read instead of buffering the whole reply', async () => {
    let made = 0;
    const port = await serve(
      function* () {
        for (let i = 0; i < 100_000; i++) {
          made++;
          yield 'y'.repeat(1000);
        }
      },
      { sliceMs: 0, chunkChars: 16 * 1024 },
    );
    const socket = connect(port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    socket.pause();
    // Until the socket buffers are full (about 4 MB here), then no more: 100 MB would be made without the wait.
    await vi.waitFor(() => {
      const before = made;
      return new Promise<void>((resolve, reject) => setTimeout(() => (made === before ? resolve() : reject(new Error('still making'))), 50));
    });
    expect(made).toBeLessThan(20_000);
    socket.destroy();
  });

  it('rejects when a piece cannot be made, after the headers are out, so the caller can cut the connection', async () => {
    const failures: unknown[] = [];
    const port = await serve(
      function* () {
        yield 'first\n';
        throw new Error('broken section');
      },
      { chunkChars: 1, sliceMs: 0 },
      (err, res) => {
        failures.push(err);
        res.destroy();
      },
    );
    await expect(get(port)).rejects.toThrow();
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('broken section');
  });
});
