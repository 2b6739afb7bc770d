/**
 * HTTP GET time from this host: from sending the request to receiving the response
 * headers (DNS, connect and TLS included, as Komari's agent measures a whole GET).
 *
 * - 200–399 is a success, anything else, a timeout or an error is a loss (undefined).
 * - Redirects are not followed: a 3xx already counts as success, so the first response is
 *   the measurement and a redirect loop cannot stretch it.
 * - The body is never read: it is destroyed as soon as the headers are in.
 * - Every probe opens a fresh connection (`reset`), so each value includes the connect
 *   and a keep-alive socket that a server dropped meanwhile cannot skew one sample.
 * - TLS certificates are verified as a browser would; an invalid one is a failure.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { abortReason, deadline } from './deadline.js';
import type { ProbeOptions } from './tcp-probe.js';

export interface HttpProber {
  /** Milliseconds to the response headers, or undefined for a loss. Rejects only when `signal` aborts. */
  probe(url: string, options: ProbeOptions): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface HttpProberOptions {
  /** Connections per origin; probes to one origin beyond this wait their turn. */
  connections?: number;
}

class UndiciHttpProber implements HttpProber {
  private readonly agent: Agent;

  constructor(options: HttpProberOptions) {
    this.agent = new Agent({ connections: options.connections ?? 2, pipelining: 0, keepAliveTimeout: 1000 });
  }

  async probe(url: string, options: ProbeOptions): Promise<number | undefined> {
    if (options.signal.aborted) throw abortReason(options.signal);
    const limit = deadline(options.signal, options.timeoutMs);
    const started = performance.now();
    try {
      const response = await request(url, {
        method: 'GET',
        dispatcher: this.agent,
        signal: limit.signal,
        reset: true,
        headers: { accept: '*/*', 'user-agent': 'tikprobe' },
      });
      const elapsed = performance.now() - started;
      response.body.on('error', () => {});
      response.body.destroy();
      return response.statusCode >= 200 && response.statusCode < 400 ? elapsed : undefined;
    } catch {
      if (options.signal.aborted) throw abortReason(options.signal);
      return undefined;
    } finally {
      limit.clear();
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

export function createHttpProber(options: HttpProberOptions = {}): HttpProber {
  return new UndiciHttpProber(options);
}
