/**
 * A strict Komari server as msw handlers (serve them with `serveMsw` on a real port).
 *
 * It behaves like Komari HEAD as described in the protocol notes, with payloads judged by
 * the shared rules module (`packages/sim/src/komari-rules.ts`): the node token only from `?token=`
 * (an Authorization header does not authenticate), Go-style decoding of reports (integer
 * fields take integer literals only), the synchronous report checks, basic info going
 * "straight into SQL" (unknown keys and admin columns fail), strict ping results, and
 * `register` creating a NEW node on every call so a double registration is visible.
 * Things the real server would take but that are bugs for tikprobe (a `uuid` in a report,
 * an admin column in basic info) are refused and recorded in `violations`: assert that it
 * stays empty.
 *
 * `version: '1.1.8'` switches to that release's 401 bodies, its basic-info rules
 * (`cpu_physical_cores` refused, `cpu_cores`/`mem_total`/`swap_total`/`disk_total` mandatory
 * with an empty 500 body) and `null` for an empty task list. Reports stay strict in both
 * modes: a payload 1.1.8 would silently take is still wrong for us.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { checkBasicInfo, checkPingResult, checkReport, type KomariMode, type KomariVerdict } from '@tikprobe/sim/komari-rules.js';

export type KomariFakeVersion = KomariMode;
export type KomariEndpoint = 'report' | 'basicInfo' | 'pingTasks' | 'pingResult' | 'register' | 'version';
export type KomariFault = number | 'timeout' | 'reset';

export interface KomariFakeOptions {
  /** Node token → node name. */
  tokens: Record<string, string>;
  /** The server's auto-discovery key; registration is refused without one (or when shorter than 12). */
  discoveryKey?: string;
  version?: KomariFakeVersion;
  /** Epoch ms stamped on what arrives; default Date.now. */
  now?: () => number;
}

export interface ReceivedBody {
  token: string;
  /** The decoded payload (as the server understood it). */
  body: unknown;
  rawBody: string;
  at: number;
  /** The request's path (a reporter's URL prefix tells reporters apart). */
  path: string;
}

export interface Registration {
  name: string;
  uuid: string;
  token: string;
  authorization: string | undefined;
  at: number;
}

export interface Refusal {
  endpoint: KomariEndpoint;
  status: number;
  body: string;
  rawBody: string;
}

export interface FakeNode {
  name: string;
  uuid: string;
  token: string;
  basicInfo: Record<string, unknown> | undefined;
  lastReport: unknown;
  pingTasks: Record<string, unknown>[];
}

export interface KomariFake {
  handlers: RequestHandler[];
  /** Accepted payloads only, in arrival order. */
  received: { reports: ReceivedBody[]; basicInfo: ReceivedBody[]; pingResults: ReceivedBody[]; registrations: Registration[] };
  /** Payloads refused by the rules (not faults, not 401s). */
  refused: Refusal[];
  /** Bugs the real server would not have caught; tests assert this stays empty. */
  violations: string[];
  /** Every node, by token (registered nodes are added). */
  nodes: Map<string, FakeNode>;
  /** Adds a task to a node's list as given (malformed entries are allowed on purpose). */
  addPingTask(token: string, task: Record<string, unknown>): void;
  /** Makes the next `times` (default: all) requests to `endpoint` fail this way. */
  fault(endpoint: KomariEndpoint, fault: KomariFault, options?: { body?: string; times?: number; headers?: Record<string, string> }): void;
  clearFaults(): void;
  /** Resolves when a request is being held by a 'timeout' fault. */
  nextHang(): Promise<void>;
  /** Lets held requests go (they are then reset). Call before closing the server. */
  releaseHung(): void;
  assertNoViolations(): void;
}

const json = (status: number, text: string) => new HttpResponse(text, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const SUCCESS = JSON.stringify({ status: 'success' });
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  return [...randomBytes(length)].map((b) => TOKEN_ALPHABET[b % TOKEN_ALPHABET.length]).join('');
}

export function createKomariFake(options: KomariFakeOptions): KomariFake {
  const mode: KomariFakeVersion = options.version ?? 'head';
  const now = options.now ?? (() => Date.now());
  const nodes = new Map<string, FakeNode>();
  for (const [token, name] of Object.entries(options.tokens)) {
    nodes.set(token, { name, uuid: randomUUID(), token, basicInfo: undefined, lastReport: undefined, pingTasks: [] });
  }
  const received: KomariFake['received'] = { reports: [], basicInfo: [], pingResults: [], registrations: [] };
  const refused: Refusal[] = [];
  const violations: string[] = [];
  const faults = new Map<KomariEndpoint, { fault: KomariFault; body: string | undefined; remaining: number; headers?: Record<string, string> | undefined }>();
  let hung: (() => void)[] = [];
  let hangWaiters: (() => void)[] = [];

  const unauthorized = (token: string | null) => {
    if (mode === '1.1.8') {
      return json(401, JSON.stringify({ status: 'error', error: token ? 'invalid token' : 'token is required' }));
    }
    return json(401, JSON.stringify({ status: 'error', message: 'Unauthorized.' }));
  };

  /** A fault set for this endpoint, if any: a response, or undefined to carry on normally. */
  const applyFault = async (endpoint: KomariEndpoint): Promise<Response | undefined> => {
    const f = faults.get(endpoint);
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) faults.delete(endpoint);
    if (f.fault === 'reset') return HttpResponse.error();
    if (f.fault === 'timeout') {
      await new Promise<void>((resolve) => {
        hung.push(resolve);
        for (const w of hangWaiters) w();
        hangWaiters = [];
      });
      return HttpResponse.error();
    }
    const body =
      f.body ??
      (f.fault === 401
        ? JSON.stringify({ status: 'error', message: 'Unauthorized.' })
        : endpoint === 'report'
          ? JSON.stringify({ error: 'metric report batch queue is full' })
          : JSON.stringify({ status: 'error', message: `fault ${f.fault}` }));
    const response = json(f.fault, body);
    for (const [name, value] of Object.entries(f.headers ?? {})) response.headers.set(name, value);
    return response;
  };

  const nodeOf = (request: Request): { node: FakeNode | undefined; token: string | null } => {
    // Only the query counts: Komari compares an Authorization header with the admin key only.
    const token = new URL(request.url).searchParams.get('token');
    return { node: token === null ? undefined : nodes.get(token), token };
  };

  /** Token, rules, recording: the shared path of the three POST endpoints that take a payload. */
  const payloadEndpoint =
    (endpoint: 'report' | 'basicInfo' | 'pingResult', check: (raw: string) => KomariVerdict, list: ReceivedBody[], accept: (node: FakeNode, value: unknown) => void) =>
    async ({ request }: { request: Request }) => {
      const faulted = await applyFault(endpoint);
      if (faulted) return faulted;
      const { node, token } = nodeOf(request);
      if (!node || token === null) return unauthorized(token);
      const rawBody = await request.text();
      const verdict = check(rawBody);
      if (!verdict.ok) {
        if (verdict.violation) violations.push(`${endpoint}: ${verdict.violation}`);
        refused.push({ endpoint, status: verdict.status, body: verdict.body, rawBody });
        return json(verdict.status, verdict.body);
      }
      list.push({ token, body: verdict.value, rawBody, at: now(), path: new URL(request.url).pathname });
      accept(node, verdict.value);
      return json(200, SUCCESS);
    };

  const handlers: RequestHandler[] = [
    http.post(
      '*/api/clients/report',
      payloadEndpoint('report', checkReport, received.reports, (node, value) => {
        node.lastReport = value;
      }),
    ),
    http.post(
      '*/api/clients/uploadBasicInfo',
      payloadEndpoint('basicInfo', (raw) => checkBasicInfo(raw, mode), received.basicInfo, (node, value) => {
        node.basicInfo = { ...(node.basicInfo ?? {}), ...(value as Record<string, unknown>) };
      }),
    ),
    http.post('*/api/clients/ping/result', payloadEndpoint('pingResult', checkPingResult, received.pingResults, () => undefined)),
    http.get('*/api/clients/ping/tasks', async ({ request }) => {
      const faulted = await applyFault('pingTasks');
      if (faulted) return faulted;
      const { node, token } = nodeOf(request);
      if (!node) return unauthorized(token);
      if (node.pingTasks.length === 0 && mode === '1.1.8') return json(200, 'null');
      const extra = (t: Record<string, unknown>) => (mode === 'head' ? { weight: t.id, default_on: false } : {});
      return json(200, JSON.stringify(node.pingTasks.map((t) => ({ ...extra(t), clients: [node.uuid], ...t }))));
    }),
    http.post('*/api/clients/register', async ({ request }) => {
      const faulted = await applyFault('register');
      if (faulted) return faulted;
      const authorization = request.headers.get('authorization') ?? undefined;
      const key = options.discoveryKey;
      if (key === undefined || key.length < 12 || authorization !== `Bearer ${key}`) {
        return json(403, JSON.stringify({ status: 'error', message: 'Invalid AutoDiscovery Key' }));
      }
      const requested = new URL(request.url).searchParams.get('name') ?? '';
      const name = `Auto-${requested === '' ? randomToken(8) : requested}`;
      const node: FakeNode = { name, uuid: randomUUID(), token: randomToken(22), basicInfo: undefined, lastReport: undefined, pingTasks: [] };
      nodes.set(node.token, node);
      received.registrations.push({ name, uuid: node.uuid, token: node.token, authorization, at: now() });
      return json(200, JSON.stringify({ status: 'success', message: '', data: { uuid: node.uuid, token: node.token } }));
    }),
    http.get('*/api/version', async () => {
      const faulted = await applyFault('version');
      if (faulted) return faulted;
      const version = mode === '1.1.8' ? '1.1.8' : '1.4.3';
      return json(200, JSON.stringify({ status: 'success', message: '', data: { version, hash: 'fake' } }));
    }),
  ];

  return {
    handlers,
    received,
    refused,
    violations,
    nodes,
    addPingTask(token, task) {
      const node = nodes.get(token);
      if (!node) throw new Error('addPingTask: unknown token');
      node.pingTasks.push(task);
    },
    fault(endpoint, fault, opts = {}) {
      faults.set(endpoint, { fault, body: opts.body, remaining: opts.times ?? Number.POSITIVE_INFINITY, headers: opts.headers });
    },
    clearFaults() {
      faults.clear();
    },
    nextHang() {
      if (hung.length > 0) return Promise.resolve();
      return new Promise<void>((resolve) => hangWaiters.push(resolve));
    },
    releaseHung() {
      const all = hung;
      hung = [];
      for (const release of all) release();
    },
    assertNoViolations() {
      if (violations.length > 0) throw new Error(`the Komari fake recorded protocol violations:\n${violations.join('\n')}`);
    },
  };
}
