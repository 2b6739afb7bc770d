/** Shared set-up for the simulator tests: a small fleet on a free port with a hand-driven clock. */
import { Agent, request } from 'undici';
import { routerAddress, routerName } from '@tikprobe/sim/addresses.js';
import { type Fleet, startFleet } from '@tikprobe/sim/fleet-server.js';
import { SimRouter } from '@tikprobe/sim/sim-router.js';

export const PASSWORD = 'sim-test-password';
export const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface TestFleet {
  fleet: Fleet;
  clock: { now: number };
  url(index: number): string;
  agent: Agent;
  close(): Promise<void>;
}

export async function startTestFleet(options: { routers?: number; conntrack?: number } = {}): Promise<TestFleet> {
  const clock = { now: START_MS };
  const n = options.routers ?? 2;
  const routers = Array.from(
    { length: n },
    (_, index) => new SimRouter({ index, name: routerName(index, n), address: routerAddress(index), conntrack: options.conntrack ?? 200, startMs: START_MS }),
  );
  const fleet = await startFleet({ routers, port: 0, password: PASSWORD, now: () => clock.now });
  const agent = new Agent({ connections: 2 });
  return {
    fleet,
    clock,
    url: (index) => `http://${routerAddress(index)}:${fleet.port}`,
    agent,
    close: async () => {
      await agent.close();
      await fleet.close();
    },
  };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** One request through undici, as the bridge makes them. */
export async function call(
  t: TestFleet,
  index: number,
  path: string,
  init: { method?: 'GET' | 'POST' | 'PATCH'; body?: unknown; auth?: string | null; contentType?: string | null } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const auth = init.auth === undefined ? basic('tikprobe', PASSWORD) : init.auth;
  if (auth !== null) headers.authorization = auth;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
  }
  const res = await request(`${t.url(index)}${path}`, { method: init.method ?? 'GET', headers, body, dispatcher: t.agent });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** Every value of every record is a string (RouterOS sends no JSON numbers or booleans). */
export function allStrings(value: unknown): boolean {
  const records = Array.isArray(value) ? value : [value];
  return records.every((r) => r !== null && typeof r === 'object' && Object.values(r as object).every((v) => typeof v === 'string'));
}
