import { describe, expect, it } from 'vitest';
import { ConnectionCounter, type ConnectionMode } from '../../src/collect/connections.js';
import type { RouterError } from '../../src/errors.js';
import { useRouterHarness } from './harness.js';

const h = useRouterHarness();

function counter(reprobeMs = 600_000) {
  const changes: [ConnectionMode, string | undefined][] = [];
  const c = new ConnectionCounter({
    reprobeMs,
    onModeChange: (mode, cause: RouterError | undefined) => changes.push([mode, cause?.code]),
  });
  return { c, changes };
}

const tableFetches = () => h.fake.count('GET', 'ip/firewall/connection') + h.fake.count('GET', 'ipv6/firewall/connection');

describe('ConnectionCounter', () => {
  it('counts TCP and UDP with count-only for IPv4 and IPv6', async () => {
    const { c, changes } = counter();
    expect(await c.count(h.rest, h.signal, 0)).toEqual({ tcp: 124, udp: 32, source: 'count-only' });
    expect(h.fake.count('POST', 'ip/firewall/connection/print')).toBe(2);
    expect(h.fake.count('POST', 'ipv6/firewall/connection/print')).toBe(2);
    expect(JSON.parse(h.server.requests[0]?.body ?? '')).toEqual({ 'count-only': '', '.query': ['protocol=tcp'] });
    expect(changes).toEqual([]);
    expect(tableFetches()).toBe(0);
  });

  it('counts IPv6 as 0 without the IPv6 package and stops asking until the reprobe time', async () => {
    h.fake.state.ipv6 = false;
    const { c } = counter(60_000);
    expect(await c.count(h.rest, h.signal, 0)).toEqual({ tcp: 120, udp: 30, source: 'count-only' });
    await c.count(h.rest, h.signal, 30_000);
    expect(h.fake.count('POST', 'ipv6/firewall/connection/print')).toBe(1);
    h.fake.state.ipv6 = true;
    expect(await c.count(h.rest, h.signal, 60_000)).toEqual({ tcp: 124, udp: 32, source: 'count-only' });
  });

  it.each(['array', 'unknown-parameter'] as const)(
    'falls back to the tracking totals when count-only answers %s, never fetching the table',
    async (mode) => {
      h.fake.state.countOnly = mode;
      const { c, changes } = counter(600_000);
      // IPv4 tracking counts tcp+udp+other (153), IPv6 tracking 6.
      expect(await c.count(h.rest, h.signal, 0)).toEqual({ tcp: 159, udp: 0, source: 'tracking-total' });
      expect(changes).toEqual([['tracking-total', mode === 'array' ? 'ROUTER_MALFORMED' : 'ROUTER_BAD_REQUEST']]);
      expect(c.mode()).toBe('tracking-total');
      expect(h.server.requests.map((r) => r.url)).toContain('/rest/ip/firewall/connection/tracking?.proplist=total-entries,total-ip4-entries');

      // Within the reprobe interval: tracking only, no count-only attempt, no new log.
      const posts = h.fake.count('POST', 'ip/firewall/connection/print');
      h.fake.state.conntrack.tcp = 200;
      expect(await c.count(h.rest, h.signal, 30_000)).toEqual({ tcp: 239, udp: 0, source: 'tracking-total' });
      expect(h.fake.count('POST', 'ip/firewall/connection/print')).toBe(posts);
      expect(changes).toHaveLength(1);
      expect(tableFetches()).toBe(0);
    },
  );

  it('uses the 7.20 per-family totals without asking the IPv6 menu', async () => {
    h.fake.state.countOnly = 'array';
    h.fake.state.trackingFamilyTotals = true;
    const { c } = counter();
    expect(await c.count(h.rest, h.signal, 0)).toEqual({ tcp: 159, udp: 0, source: 'tracking-total' });
    expect(h.fake.count('GET', 'ipv6/firewall/connection/tracking')).toBe(0);
  });

  it('re-probes count-only after reprobeMs and switches back when it works', async () => {
    h.fake.state.countOnly = 'array';
    const { c, changes } = counter(60_000);
    await c.count(h.rest, h.signal, 0);
    h.fake.state.countOnly = 'ok';
    expect((await c.count(h.rest, h.signal, 59_999)).source).toBe('tracking-total');
    expect(await c.count(h.rest, h.signal, 60_000)).toEqual({ tcp: 124, udp: 32, source: 'count-only' });
    expect(changes.map(([m]) => m)).toEqual(['tracking-total', 'count-only']);
    expect(tableFetches()).toBe(0);
  });

  it('a failed re-probe stays in tracking mode without another mode change', async () => {
    h.fake.state.countOnly = 'array';
    const { c, changes } = counter(60_000);
    await c.count(h.rest, h.signal, 0);
    expect((await c.count(h.rest, h.signal, 60_000)).source).toBe('tracking-total');
    expect(h.fake.count('POST', 'ip/firewall/connection/print')).toBe(2);
    expect(changes).toHaveLength(1);
  });

  it.each([
    ['401', 'ROUTER_AUTH'],
    ['500', 'ROUTER_TRANSIENT'],
  ] as const)('propagates %s (%s) instead of switching mode', async (kind, code) => {
    h.fake.fault('ip/firewall/connection/print', kind);
    const { c, changes } = counter();
    await expect(c.count(h.rest, h.signal, 0)).rejects.toMatchObject({ code });
    expect(c.mode()).toBe('count-only');
    expect(changes).toEqual([]);
  });
});
