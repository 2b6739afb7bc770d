import { describe, expect, it, vi } from 'vitest';
import type { BridgeIcmp } from '../../src/probes/bridge-icmp.js';
import type { HttpProber } from '../../src/probes/http-probe.js';
import { createMeasure } from '../../src/probes/measure.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { pingRecords } from './support/fake-router.js';

function deps(overrides: { lookup?: (h: string) => Promise<string>; reply?: unknown } = {}) {
  const bridgeIcmp: BridgeIcmp = { available: () => true, ping: vi.fn(async () => 0.7), close: () => {} };
  const http: HttpProber = { probe: vi.fn(async () => 42), measure: vi.fn(async () => ({ ok: true as const, delayMs: 42 })), close: async () => {} };
  const rest: RouterRest = {
    get: async () => [],
    post: vi.fn(async () => overrides.reply ?? pingRecords('h', [2000, 4000, 3000])),
    stats: () => ({ requests: 0, bytes: 0 }),
    close: async () => {},
  };
  const lookup = vi.fn(overrides.lookup ?? (async () => '127.0.0.9'));
  return { bridgeIcmp, http, rest, lookup, measure: createMeasure({ rest, bridgeIcmp, http, lookup }) };
}

const opts = (timeoutMs = 1000) => ({ signal: new AbortController().signal, timeoutMs });

describe('createMeasure', () => {
  it('bridge ICMP resolves a host name first and pings the address (net-ping takes IPs only)', async () => {
    const d = deps();
    expect(await d.measure({ kind: 'bridge-icmp', host: 'gw.test' }, opts())).toBe(0.7);
    expect(d.lookup).toHaveBeenCalledWith('gw.test');
    const [address, timeoutMs] = vi.mocked(d.bridgeIcmp.ping).mock.calls[0] ?? [];
    expect(address).toBe('127.0.0.9');
    expect(timeoutMs).toBeLessThanOrEqual(1000);
  });

  it('bridge ICMP does not look up an IP address', async () => {
    const d = deps();
    await d.measure({ kind: 'bridge-icmp', host: '127.0.0.1' }, opts());
    expect(d.lookup).not.toHaveBeenCalled();
    expect(vi.mocked(d.bridgeIcmp.ping).mock.calls[0]?.[0]).toBe('127.0.0.1');
  });

  it('bridge ICMP counts a DNS failure as a loss', async () => {
    const d = deps({
      lookup: async (h) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
      },
    });
    expect(await d.measure({ kind: 'bridge-icmp', host: 'nowhere.test' }, opts())).toBeUndefined();
    expect(d.bridgeIcmp.ping).not.toHaveBeenCalled();
  });

  it('bridge ICMP counts a lookup slower than the timeout as a loss', async () => {
    const d = deps({ lookup: () => new Promise(() => {}) });
    const started = performance.now();
    expect(await d.measure({ kind: 'bridge-icmp', host: 'slow.test' }, opts(100))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('router ICMP returns the summary mean, or undefined when nothing came back', async () => {
    expect(await deps().measure({ kind: 'router-icmp', host: '192.0.2.1', count: 3 }, opts())).toBe(3);
    const lost = deps({ reply: pingRecords('h', [null, null, null]) });
    expect(await lost.measure({ kind: 'router-icmp', host: '192.0.2.1', count: 3 }, opts())).toBeUndefined();
    expect(vi.mocked(lost.rest.post).mock.calls[0]?.slice(0, 2)).toEqual(['ping', { address: '192.0.2.1', count: '3', interval: '200ms' }]);
    expect(vi.mocked(lost.rest.post).mock.calls[0]?.[2]).toMatchObject({ timeoutMs: 1000 });
  });

  it('HTTP goes to the prober with the URL and timeout', async () => {
    const d = deps();
    expect(await d.measure({ kind: 'http', url: 'http://127.0.0.1:9/' }, opts(250))).toBe(42);
    expect(vi.mocked(d.http.probe).mock.calls[0]?.[0]).toBe('http://127.0.0.1:9/');
    expect(vi.mocked(d.http.probe).mock.calls[0]?.[1]).toMatchObject({ timeoutMs: 250 });
  });
});
