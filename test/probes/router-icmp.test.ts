import { readFileSync } from 'node:fs';
import type { JsonBodyType } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { pingFromRouter } from '../../src/probes/router-icmp.js';
import { resultValue } from '../../src/probes/rtt.js';
import { type FakeRouter, startFakeRouter } from './support/fake-router.js';

const SAMPLE = JSON.parse(readFileSync(new URL('../fixtures/routeros/ping_count4__mikrotik-docs.json', import.meta.url), 'utf8')) as JsonBodyType;

describe('pingFromRouter against a RouterOS fake on loopback', () => {
  let router: FakeRouter;
  let rest: RouterRest;
  const opts = (count = 3) => ({ count, signal: new AbortController().signal, timeoutMs: 3600 });

  beforeAll(async () => {
    router = await startFakeRouter({
      hosts: {
        '10.155.101.1': { verbatim: SAMPLE },
        '192.0.2.10': [1000, 1468, 1234],
        '192.0.2.20': [12_000, null, 14_000],
        '192.0.2.30': [null, null, null],
      },
    });
    rest = router.client();
  });

  afterAll(async () => {
    await rest.close();
    await router.close();
  });

  it('sends address, count and a 200 ms interval, all as strings', async () => {
    await pingFromRouter(rest, '192.0.2.10', opts(3));
    expect(router.pings.at(-1)).toEqual({ address: '192.0.2.10', count: '3', interval: '200ms' });
  });

  it('reads the real docs reply (4 records, summary avg-rtt 461us) as 1 ms', async () => {
    const s = await pingFromRouter(rest, '10.155.101.1', opts(4));
    expect(s).toEqual({ sent: 4, received: 4, avgRttMs: 0.461 });
    expect(resultValue(s.avgRttMs)).toBe(1);
  });

  it('reads 1ms234us from the summary', async () => {
    const s = await pingFromRouter(rest, '192.0.2.10', opts());
    expect(s.avgRttMs).toBeCloseTo(1.234, 6);
    expect(resultValue(s.avgRttMs)).toBe(1);
  });

  it('averages only the replies that came back', async () => {
    const s = await pingFromRouter(rest, '192.0.2.20', opts());
    expect(s).toEqual({ sent: 3, received: 2, avgRttMs: 13 });
  });

  it('reports all-lost as no RTT (a -1 result)', async () => {
    const s = await pingFromRouter(rest, '192.0.2.30', opts());
    expect(s).toEqual({ sent: 3, received: 0, avgRttMs: undefined });
    expect(resultValue(s.avgRttMs)).toBe(-1);
  });

  it('rejects with ROUTER_POLICY when the user lacks the test policy', async () => {
    const denied = await startFakeRouter({ testPolicy: false });
    const deniedRest = denied.client();
    try {
      await expect(pingFromRouter(deniedRest, '192.0.2.10', opts())).rejects.toSatisfy(
        (e) => e instanceof RouterError && e.code === 'ROUTER_POLICY' && e.detail === 'not enough permissions (9)',
      );
    } finally {
      await deniedRest.close();
      await denied.close();
    }
  });
});
