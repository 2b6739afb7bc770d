/**
 * HTTP GET probes from this host, one implementation for both dashboards, each measured by
 * its own agent's rule (see http-rules.ts for the rules and their sources):
 *
 * - redirects are followed (at most 10) and the final status judged: 200–399 is a success;
 * - `komari`: the time to the final response's headers; the body is never read (destroyed
 *   at once);
 * - `nezha`: the time until the body has been read (at most 1 MiB, then the clock stops and
 *   the rest is dropped); on HTTPS the leaf certificate's `"<issuer CN>|<notAfter>"`.
 *
 * Every probe opens fresh connections (`reset`), so each value includes the connect and a
 * keep-alive socket a server dropped meanwhile cannot skew one sample. TLS certificates are
 * verified as a browser would; an invalid one is a failure. A Nezha HTTPS probe gets its own
 * short-lived dispatcher, whose connector records the certificate of the connection it made.
 */
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, type Dispatcher, interceptors, request } from 'undici';
import { deadline } from './deadline.js';
import { certificateSummary, type HttpRule, isSuccessStatus, MAX_REDIRECTS, NEZHA_BODY_LIMIT, readsBody } from './http-rules.js';
import type { ProbeOptions } from './tcp-probe.js';
import { abortReason } from '../time/cancel.js';

export type { HttpRule } from './http-rules.js';

export type HttpOutcome =
  | { ok: true; delayMs: number; certificate?: string | undefined }
  | { ok: false; delayMs?: number | undefined; reason: string };

export interface HttpProber {
  /** Komari rule: milliseconds to the headers, or undefined for a loss. Rejects only when `signal` aborts. */
  probe(url: string, options: ProbeOptions): Promise<number | undefined>;
  /** One GET measured by `rule`'s agent. Rejects only when `signal` aborts. */
  measure(url: string, options: ProbeOptions, rule: HttpRule): Promise<HttpOutcome>;
  close(): Promise<void>;
}

export interface HttpProberOptions {
  /** Connections per origin; probes to one origin beyond this wait their turn. */
  connections?: number;
  /** Extra trusted roots (PEM) besides the system's; tests use it for a local CA. */
  ca?: string;
}

const HEADERS = { accept: '*/*', 'user-agent': 'tikprobe' };

/**
 * A dispatcher for one HTTPS probe that remembers the peer certificate of its last
 * connection. A resumed TLS session (a redirect back to a host of this probe) shows no
 * certificate, so certificates are kept per host from the full handshake.
 */
class CertificateCapture {
  private readonly agent: Agent;
  readonly dispatcher: Dispatcher;
  private readonly byHost = new Map<string, string>();
  private lastHost = '';

  constructor(ca: string | undefined) {
    const connect = buildConnector(ca === undefined ? {} : { ca });
    this.agent = new Agent({
      connections: 1,
      pipelining: 0,
      connect: (options, callback) =>
        connect(options, (err, socket) => {
          if (!err && socket && 'getPeerCertificate' in socket) {
            this.lastHost = `${options.hostname}:${options.port}`;
            const summary = certificateSummary((socket as TLSSocket).getPeerCertificate());
            if (summary !== undefined) this.byHost.set(this.lastHost, summary);
          }
          // biome-ignore lint/suspicious/noExplicitAny: undici's callback is an overloaded union
          (callback as any)(err, socket);
        }),
    });
    this.dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
  }

  certificate(): string | undefined {
    return this.byHost.get(this.lastHost);
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

/** Reads at most `limit` bytes of a body, then drops the rest. */
async function readUpTo(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<void> {
  let read = 0;
  for await (const chunk of body) {
    read += chunk.length;
    if (read >= limit) break;
  }
  body.destroy();
}

function judge(statusCode: number, location: unknown, delayMs: number, certificate: string | undefined): HttpOutcome {
  if (statusCode >= 300 && statusCode < 400 && location !== undefined) {
    return { ok: false, delayMs, reason: `stopped after ${MAX_REDIRECTS} redirects` };
  }
  if (!isSuccessStatus(statusCode)) return { ok: false, delayMs, reason: `HTTP status ${statusCode}` };
  return { ok: true, delayMs, certificate };
}

class UndiciHttpProber implements HttpProber {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly ca: string | undefined;

  constructor(options: HttpProberOptions) {
    this.ca = options.ca;
    const connect = options.ca === undefined ? undefined : { ca: options.ca };
    this.agent = new Agent({ connections: options.connections ?? 2, pipelining: 0, keepAliveTimeout: 1000, ...(connect ? { connect } : {}) });
    this.dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
  }

  async probe(url: string, options: ProbeOptions): Promise<number | undefined> {
    const outcome = await this.measure(url, options, 'komari');
    return outcome.ok ? outcome.delayMs : undefined;
  }

  async measure(url: string, options: ProbeOptions, rule: HttpRule): Promise<HttpOutcome> {
    if (options.signal.aborted) throw abortReason(options.signal);
    const capture = rule === 'nezha' && url.toLowerCase().startsWith('https:') ? new CertificateCapture(this.ca) : undefined;
    const limit = deadline(options.signal, options.timeoutMs);
    const started = performance.now();
    try {
      const dispatcher = capture?.dispatcher ?? this.dispatcher;
      const response = await request(url, { method: 'GET', dispatcher, signal: limit.signal, reset: true, headers: HEADERS });
      response.body.on('error', () => {});
      if (readsBody(rule)) await readUpTo(response.body, NEZHA_BODY_LIMIT);
      else response.body.destroy();
      const delayMs = performance.now() - started;
      return judge(response.statusCode, response.headers.location, delayMs, capture?.certificate());
    } catch (err) {
      if (options.signal.aborted) throw abortReason(options.signal);
      const reason = limit.timedOut() ? `no answer within ${options.timeoutMs} ms` : err instanceof Error ? err.message : String(err);
      return { ok: false, reason };
    } finally {
      limit.clear();
      await capture?.close();
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

export function createHttpProber(options: HttpProberOptions = {}): HttpProber {
  return new UndiciHttpProber(options);
}
