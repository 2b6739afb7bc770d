/**
 * A strict RouterOS REST fake for `/ping` (and `/system/resource`, for poll-latency
 * measurements), served on loopback through serveMsw. It behaves like RouterOS where the
 * probes depend on it:
 * - Basic auth on every request (401 otherwise), `Content-Type: application/json` on POST (415);
 * - `/ping` without `count` never ends: the 60 s limit answers `400 Session closed`;
 * - unknown arguments are refused (`400 unknown parameter`), values must be JSON strings;
 * - a user without the `test` policy gets `500 not enough permissions (9)`;
 * - the reply is one record per echo with cumulative statistics, the last one the summary;
 *   lost echoes are `status: "timeout"` records without `time`, `ttl` or `*-rtt`;
 * - requests of one user run one at a time, in arrival order (per-user serialisation).
 */
import { HttpResponse, http, type JsonBodyType } from 'msw';
import { createRouterClient } from '../../../src/routeros/client.js';
import type { RouterRest } from '../../../src/routeros/rest.js';
import { parseRosDurationMs } from '@tikprobe/sim/ros-format.js';
import { type Echoes, pingRecords } from '@tikprobe/sim/ros-ping.js';
import { rosErrorBody } from '@tikprobe/sim/ros-reply.js';
import { type MswServer, serveMsw } from '../../fakes/serve-msw.js';

export type { Echoes };
/** The records RouterOS returns for these echoes (the simulator's `/ping` reply). */
export { pingRecords };

export interface FakeRouterOptions {
  user?: string;
  password?: string;
  /** Policy `test` present (default true). */
  testPolicy?: boolean;
  /** Replies per target address; a target not listed answers every echo in 453 µs. */
  hosts?: Record<string, Echoes | { verbatim: JsonBodyType }>;
  /** Make `/ping` take count × interval of real time, as on a router (default false: instant). */
  realDuration?: boolean;
  /** Work time of a `GET /system/resource`, ms (default 0). */
  resourceMs?: number;
}

export interface FakeRouter {
  server: MswServer;
  url: string;
  user: string;
  password: string;
  /** Every `/ping` body received, parsed. */
  pings: Record<string, unknown>[];
  /** Highest number of `/ping` requests the router worked on at the same time. */
  maxConcurrentPings(): number;
  /** Highest number of `/ping` requests the router received between two `/system/resource` requests (what a back-to-back poll waited behind). */
  maxPingsBetweenPolls(): number;
  /** The production REST client (pool of two connections), logged in as the fake's user. */
  client(timeoutMs?: number): RouterRest;
  close(): Promise<void>;
}

const PING_ARGS = new Set(['address', 'count', 'interval', 'size', 'src-address', 'interface', 'routing-table', 'ttl']);

function routerError(status: number, message: string, detail?: string) {
  return HttpResponse.json({ ...rosErrorBody(status, detail), message }, { status });
}

export async function startFakeRouter(options: FakeRouterOptions = {}): Promise<FakeRouter> {
  const user = options.user ?? 'tikprobe';
  const password = options.password ?? 's3cret-router-pw';
  const expectedAuth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const pings: Record<string, unknown>[] = [];
  let concurrentPings = 0;
  let maxConcurrent = 0;
  let pingsSincePoll = 0;
  let maxBetweenPolls = 0;
  // One queue per user: RouterOS runs one user's REST requests one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const server = await serveMsw([
    http.all('*', ({ request }) => {
      if (request.headers.get('authorization') !== expectedAuth) return new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="rest"' } });
      return undefined;
    }),
    http.post('*/rest/ping', ({ request }) =>
      serialised(async () => {
        pingsSincePoll += 1;
        if (!request.headers.get('content-type')?.startsWith('application/json')) return new HttpResponse(null, { status: 415 });
        let body: unknown;
        try {
          body = await request.json();
        } catch {
          return routerError(400, 'Bad Request', 'Failed to parse json');
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) return routerError(400, 'Bad Request', 'Failed to parse json');
        const args = body as Record<string, unknown>;
        pings.push(args);
        for (const [k, v] of Object.entries(args)) {
          if (!PING_ARGS.has(k)) return routerError(400, 'Bad Request', `unknown parameter ${k}`);
          if (typeof v !== 'string') return routerError(400, 'Bad Request', `invalid value for argument ${k}`);
        }
        if (options.testPolicy === false) return routerError(500, 'Internal Server Error', 'not enough permissions (9)');
        const address = args.address as string | undefined;
        if (!address) return routerError(400, 'Bad Request', 'missing value(s) of argument(s) address');
        if (args.count === undefined) return routerError(400, 'Bad Request', 'Session closed');
        const count = Number(args.count);
        const intervalMs = args.interval === undefined ? 1000 : parseRosDurationMs(args.interval as string);
        if (!Number.isInteger(count) || count < 1 || intervalMs === undefined || intervalMs < 10) return routerError(400, 'Bad Request', 'invalid value for argument count');
        concurrentPings += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrentPings);
        try {
          if (options.realDuration) await wait(count * intervalMs);
          const configured = options.hosts?.[address];
          if (configured && 'verbatim' in configured) return HttpResponse.json(configured.verbatim);
          const echoes = configured ?? Array.from({ length: count }, () => 453);
          return HttpResponse.json(pingRecords(address, echoes.slice(0, count)));
        } finally {
          concurrentPings -= 1;
        }
      }),
    ),
    http.get('*/rest/system/resource', () =>
      serialised(async () => {
        maxBetweenPolls = Math.max(maxBetweenPolls, pingsSincePoll);
        pingsSincePoll = 0;
        if (options.resourceMs) await wait(options.resourceMs);
        return HttpResponse.json({ 'cpu-load': '3', 'free-memory': '123456789', 'total-memory': '268435456', uptime: '1d2h3m4s', version: '7.20.5 (stable)' });
      }),
    ),
  ]);
  return {
    server,
    url: server.url,
    user,
    password,
    pings,
    maxConcurrentPings: () => maxConcurrent,
    maxPingsBetweenPolls: () => maxBetweenPolls,
    client: (timeoutMs = 10_000) =>
      createRouterClient({ name: 'gw1', url: server.url, username: user, password, tls: { verify: true }, timeoutMs }),
    close: () => server.close(),
  };
}
