import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeTcp } from '../../src/probes/tcp-probe.js';

const noLookup = async (host: string): Promise<string> => {
  throw new Error(`unexpected lookup of ${host}`);
};

async function listen(): Promise<{ server: Server; port: number; accepted: () => number }> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    socket.on('error', () => {});
    socket.on('data', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

/** A port that was just free: nothing listens there, so a connect is refused. */
async function closedPort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('probeTcp', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
  });

  it('measures the connect time to a listening loopback port and closes the socket at once', async () => {
    const l = await listen();
    servers.push(l.server);
    const ms = await probeTcp({ host: '127.0.0.1', port: l.port }, { timeoutMs: 2000, signal: new AbortController().signal, lookup: noLookup });
    expect(ms).toBeTypeOf('number');
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(2000);
    // The server side sees the connection, then its close (nothing left open by the probe).
    await expect.poll(() => new Promise<number>((r) => l.server.getConnections((_e, n) => r(n)))).toBe(0);
    expect(l.accepted()).toBe(1);
  });

  it('reports a refused connection as a loss', async () => {
    const port = await closedPort();
    const ms = await probeTcp({ host: '127.0.0.1', port }, { timeoutMs: 2000, signal: new AbortController().signal, lookup: noLookup });
    expect(ms).toBeUndefined();
  });

  it('resolves a host name before connecting, and a DNS failure is a loss', async () => {
    const l = await listen();
    servers.push(l.server);
    const looked: string[] = [];
    const lookup = async (host: string) => {
      looked.push(host);
      if (host === 'gw.test') return '127.0.0.1';
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const signal = new AbortController().signal;
    expect(await probeTcp({ host: 'gw.test', port: l.port }, { timeoutMs: 2000, signal, lookup })).toBeTypeOf('number');
    expect(await probeTcp({ host: 'nowhere.test', port: l.port }, { timeoutMs: 2000, signal, lookup })).toBeUndefined();
    expect(looked).toEqual(['gw.test', 'nowhere.test']);
  });

  it('counts a lookup that outlasts the timeout as a loss without waiting for it', async () => {
    const never = () => new Promise<string>(() => {});
    const started = performance.now();
    const ms = await probeTcp({ host: 'slow.test', port: 80 }, { timeoutMs: 100, signal: new AbortController().signal, lookup: never });
    expect(ms).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects (no measurement) when the caller aborts', async () => {
    const controller = new AbortController();
    const never = () => new Promise<string>(() => {});
    const probe = probeTcp({ host: 'slow.test', port: 80 }, { timeoutMs: 5000, signal: controller.signal, lookup: never });
    controller.abort();
    await expect(probe).rejects.toThrow();
  });
});
