/** A real client on a real loopback port in front of the strict RouterOS fake. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createRouterClient } from '../../src/routeros/client.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { createRouterFake, defaultFakeState, type RouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

export interface Harness {
  fake: RouterFake;
  server: MswServer;
  rest: RouterRest;
  signal: AbortSignal;
}

/** Registers hooks; the returned object is filled in `beforeAll` and reset after each test. */
export function useRouterHarness(): Harness {
  const h = { signal: new AbortController().signal } as Harness;
  beforeAll(async () => {
    h.fake = createRouterFake();
    h.server = await serveMsw(h.fake.handlers);
    h.rest = createRouterClient({
      name: 'edge1',
      url: h.server.url,
      username: 'tikprobe',
      password: 's3cret-pass',
      tls: { verify: true },
      timeoutMs: 5_000,
    });
  });
  afterEach(() => {
    Object.assign(h.fake.state, defaultFakeState());
    h.fake.clearFaults();
    h.fake.counts.clear();
    h.server.requests.length = 0;
  });
  afterAll(async () => {
    await h.rest.close();
    await h.server.close();
  });
  return h;
}
