/**
 * A minimal RouterRest over an undici Pool of two connections, for probe tests against the
 * fake router. It maps replies to RouterError codes the way the production client is
 * specified to (routeros.md §1, §3), which is all the probes rely on.
 */
import { Pool, request } from 'undici';
import { RouterError } from '../../../src/errors.js';
import type { RestOptions, RouterRest } from '../../../src/routeros/rest.js';

function classify(status: number, detail: string | undefined): RouterError {
  const message = `router answered ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401) return new RouterError('ROUTER_AUTH', message, { status });
  if (detail && /\(9\)/.test(detail)) return new RouterError('ROUTER_POLICY', message, { status, detail });
  if (status === 400 && detail === 'Session closed') return new RouterError('ROUTER_TRANSIENT', message, { status, detail });
  if (status === 400) return new RouterError('ROUTER_BAD_REQUEST', message, { status, detail });
  return new RouterError('ROUTER_TRANSIENT', message, { status, detail });
}

export function createTestRest(baseUrl: string, user: string, password: string, defaultTimeoutMs = 10_000): RouterRest {
  const pool = new Pool(baseUrl, { connections: 2 });
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  let requests = 0;
  let bytes = 0;

  async function send(method: 'GET' | 'POST', path: string, body: Record<string, unknown> | undefined, options: RestOptions = {}) {
    requests += 1;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? defaultTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${baseUrl}/rest/${path}`, {
        method,
        dispatcher: pool,
        signal,
        headers: body ? { authorization, 'content-type': 'application/json' } : { authorization },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      if (timeout.aborted) throw new RouterError('ROUTER_TIMEOUT', `no reply to ${path}`, { cause: err });
      throw err;
    }
    const text = await res.body.text();
    bytes += text.length;
    if (res.statusCode >= 400) {
      let detail: string | undefined;
      try {
        const parsed = JSON.parse(text) as { detail?: string; message?: string };
        detail = parsed.detail ?? parsed.message;
      } catch {
        detail = undefined;
      }
      throw classify(res.statusCode, detail);
    }
    return JSON.parse(text) as unknown;
  }

  return {
    get: (path, options) => send('GET', path, undefined, options),
    post: (path, body, options) => send('POST', path, body, options),
    stats: () => ({ requests, bytes }),
    close: () => pool.close(),
  };
}
