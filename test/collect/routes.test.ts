import { describe, expect, it } from 'vitest';
import { resolveDefaultRouteInterfaces, routeInterfaces } from '../../src/collect/routes.js';
import { useRouterHarness } from './harness.js';

const h = useRouterHarness();

describe('resolveDefaultRouteInterfaces', () => {
  it('takes the interface from immediate-gw of the active IPv4 default route', async () => {
    expect(await resolveDefaultRouteInterfaces(h.rest, h.signal)).toEqual(['ether1']);
    const urls = h.server.requests.map((r) => r.url);
    expect(urls[0]).toBe('/rest/ip/route?.proplist=dst-address,gateway,immediate-gw,active,routing-table&dst-address=0.0.0.0%2F0&active=true');
    expect(urls[1]).toContain('/rest/ipv6/route?');
  });

  it('takes a gateway that is an interface name, adds IPv6 routes, dedups in order', async () => {
    h.fake.state.routes = [
      { dst: '0.0.0.0/0', gateway: 'pppoe-out1', active: true },
      { dst: '0.0.0.0/0', gateway: '10.9.9.1', immediateGw: '10.9.9.1%lte1', active: false },
      { dst: '0.0.0.0/0', gateway: '10.8.8.1', immediateGw: '10.8.8.1%ether5', active: true, routingTable: 'to-vpn' },
      { dst: '10.0.0.0/8', gateway: '10.1.1.1', immediateGw: '10.1.1.1%ether2', active: true },
    ];
    h.fake.state.routes6 = [
      { dst: '::/0', gateway: 'fe80::1%ether1', immediateGw: 'fe80::1%ether1', active: true },
      { dst: '::/0', gateway: 'pppoe-out1', active: true },
    ];
    expect(await resolveDefaultRouteInterfaces(h.rest, h.signal)).toEqual(['pppoe-out1', 'ether1']);
  });

  it('works without the IPv6 package', async () => {
    h.fake.state.ipv6 = false;
    expect(await resolveDefaultRouteInterfaces(h.rest, h.signal)).toEqual(['ether1']);
  });

  it('returns an empty list when there is no active default route', async () => {
    h.fake.state.routes = [{ dst: '0.0.0.0/0', gateway: '10.0.0.1', immediateGw: '10.0.0.1%ether1', active: false }];
    expect(await resolveDefaultRouteInterfaces(h.rest, h.signal)).toEqual([]);
  });

  it('propagates a policy error', async () => {
    h.fake.state.users.tikprobe = { password: 's3cret-pass', policies: ['api', 'rest-api'] };
    await expect(resolveDefaultRouteInterfaces(h.rest, h.signal)).rejects.toMatchObject({ code: 'ROUTER_POLICY' });
  });
});

describe('routeInterfaces', () => {
  const base = { dstAddress: '0.0.0.0/0', active: true, routingTable: 'main' };
  it('splits ECMP next hops', () => {
    expect(routeInterfaces({ ...base, gateway: '10.0.0.1,10.0.1.1', immediateGw: '10.0.0.1%ether1,10.0.1.1%ether2' })).toEqual([
      'ether1',
      'ether2',
    ]);
  });

  it('ignores a bare IP gateway without immediate-gw', () => {
    expect(routeInterfaces({ ...base, gateway: '10.0.0.1', immediateGw: undefined })).toEqual([]);
  });
});
