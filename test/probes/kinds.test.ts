import { describe, expect, it } from 'vitest';
import { probeFor as probeForTask, probeTimeoutMs, routerPingCount, routerPingTimeoutMs } from '../../src/probes/kinds.js';

const probeFor = (type: string, target: string, via: 'router' | 'bridge', interval = 60) => probeForTask({ type, target, interval }, via, 3);

describe('probeFor', () => {
  it('sends ICMP through the router or this host according to ping.via', () => {
    expect(probeFor('icmp', '1.1.1.1:53', 'router')).toEqual({ ok: true, value: { kind: 'router-icmp', host: '1.1.1.1', count: 3 } });
    expect(probeFor('ICMP', '[2001:db8::1]', 'bridge')).toEqual({ ok: true, value: { kind: 'bridge-icmp', host: '2001:db8::1' } });
  });

  it('runs TCP and HTTP on this host whatever ping.via says', () => {
    expect(probeFor('tcp', 'example.com', 'router')).toEqual({ ok: true, value: { kind: 'tcp', address: { host: 'example.com', port: 80 } } });
    expect(probeFor('http', 'example.com', 'router')).toEqual({ ok: true, value: { kind: 'http', url: 'http://example.com/' } });
  });

  it('refuses unknown types and bad targets with a reason', () => {
    expect(probeFor('udp', 'x', 'router')).toEqual({ ok: false, reason: expect.stringContaining('unknown type "udp"') });
    expect(probeFor('tcp', 'x:99999', 'router').ok).toBe(false);
  });
});

describe('routerPingCount', () => {
  it('keeps the configured count when the echoes fit in half the interval', () => {
    expect(routerPingCount(3, 60)).toBe(3);
    expect(routerPingCount(10, 2)).toBe(5);
  });

  it('reduces it for short intervals, never below one echo', () => {
    expect(routerPingCount(3, 1)).toBe(2);
    expect(routerPingCount(10, 1)).toBe(2);
    expect(probeFor('icmp', '192.0.2.1', 'router', 1)).toEqual({ ok: true, value: { kind: 'router-icmp', host: '192.0.2.1', count: 2 } });
    expect(routerPingCount(3, 0.2)).toBe(1);
  });
});

describe('timeouts', () => {
  it('keeps a probe below 80 % of its interval and at most 10 s', () => {
    expect(probeTimeoutMs(1)).toBe(800);
    expect(probeTimeoutMs(5)).toBe(4000);
    expect(probeTimeoutMs(60)).toBe(10_000);
  });

  it('gives a router-side ping count × 200 ms plus a margin, below the interval and far below 60 s', () => {
    expect(routerPingTimeoutMs(3, 60)).toBe(3600);
    expect(routerPingTimeoutMs(10, 3600)).toBe(5000);
    expect(routerPingTimeoutMs(3, 2)).toBe(1600);
    for (const count of [1, 3, 10]) for (const interval of [1, 5, 60, 86_400]) {
      const t = routerPingTimeoutMs(count, interval);
      expect(t).toBeLessThan(interval * 1000);
      expect(t).toBeLessThanOrEqual(5000);
    }
  });
});
