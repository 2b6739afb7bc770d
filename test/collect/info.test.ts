import { describe, expect, it } from 'vitest';
import { collectDevice } from '../../src/collect/device.js';
import { collectInfo } from '../../src/collect/info.js';
import { collectResource } from '../../src/collect/resource.js';
import { useRouterHarness } from './harness.js';

const h = useRouterHarness();

async function info(setting: string, ifaces: string[] = ['ether1']) {
  const resource = await collectResource(h.rest, h.signal);
  return collectInfo(h.rest, h.signal, resource, setting, ifaces);
}

describe('collectInfo', () => {
  it('combines identity, routerboard model and resource', async () => {
    h.fake.state.identity = 'edge-berlin';
    expect(await info('none')).toEqual({
      identity: 'edge-berlin',
      boardName: 'hAP ax^2',
      model: 'C52iG-5HaxD2HaxD',
      version: '7.20.5 (stable)',
      architecture: 'arm64',
      cpu: 'ARM64',
      cpuCount: 4,
      totalMemoryBytes: 1_073_741_824,
      totalHddBytes: 134_217_728,
      virtualization: 'None',
      publicIpv4: undefined,
      publicIpv6: undefined,
    });
    expect(h.fake.count('GET', 'ip/cloud')).toBe(0);
  });

  it('degrades routerboard on CHR (no hardware data, or the menu failing)', async () => {
    h.fake.state.resource.boardName = 'CHR';
    h.fake.state.routerboard = undefined;
    const chr = await info('none');
    expect(chr.model).toBeUndefined();
    expect(chr.virtualization).toBe('CHR');
    h.fake.fault('system/routerboard', '500');
    expect((await info('none')).identity).toBe('MikroTik');
  });

  it('fails when identity cannot be read', async () => {
    h.fake.fault('system/identity', '401');
    await expect(info('none')).rejects.toMatchObject({ code: 'ROUTER_AUTH' });
  });

  it('auto: takes the public addresses from /ip/cloud', async () => {
    h.fake.state.cloud = { publicAddress: '31.173.86.120', publicAddress6: '2001:db8:1::5' };
    const r = await info('auto');
    expect(r.publicIpv4).toBe('31.173.86.120');
    expect(r.publicIpv6).toBe('2001:db8:1::5');
    expect(h.server.requests.some((q) => q.url === '/rest/ip/cloud?.proplist=public-address,public-address-ipv6')).toBe(true);
    expect(h.fake.count('GET', 'ip/address')).toBe(0);
  });

  it('auto without cloud: the address on the default-route interface; IPv6 skips link-local and ULA', async () => {
    h.fake.state.addresses6 = [
      { address: 'fe80::1/64', interface: 'ether1' },
      { address: 'fd00::1/64', interface: 'ether1' },
      { address: '2001:db8::9/64', interface: 'ether1', disabled: true },
      { address: '2001:db8::7/64', interface: 'ether1' },
      { address: '2001:db8::8/64', interface: 'bridge' },
    ];
    const r = await info('auto', ['ether1']);
    // The fake's WAN address 192.168.0.252 is private: never reported as public.
    expect(r.publicIpv4).toBeUndefined();
    expect(r.publicIpv6).toBe('2001:db8::7');
    expect(r.publicIpUnknown).toBe(false);
    const urls = h.server.requests.map((q) => q.url);
    expect(urls).toContain('/rest/ip/address?.proplist=address,interface,disabled,invalid,link-local&interface=ether1');
    expect(urls).toContain('/rest/ipv6/address?.proplist=address,interface,disabled,invalid,link-local&interface=ether1');
  });

  it('auto: degrades to undefined when cloud, addresses and IPv6 are all unavailable', async () => {
    h.fake.state.ipv6 = false;
    h.fake.fault('ip/cloud', '500');
    h.fake.state.addresses = [];
    const r = await info('auto', ['ether1']);
    expect(r.publicIpv4).toBeUndefined();
    expect(r.publicIpv6).toBeUndefined();
  });

  it('auto: private, CGNAT, link-local and loopback addresses are never reported as public', async () => {
    h.fake.state.cloud = { publicAddress: '100.72.1.9', publicAddress6: 'fd12::1' };
    h.fake.state.addresses = [
      { address: '10.1.2.3/8', interface: 'ether1' },
      { address: '172.20.0.1/16', interface: 'ether1' },
      { address: '100.127.255.254/10', interface: 'ether1' },
      { address: '169.254.3.3/16', interface: 'ether1' },
      { address: '127.0.0.2/8', interface: 'ether1' },
      { address: '198.51.100.4/24', interface: 'ether2' },
    ];
    h.fake.state.addresses6 = [
      { address: 'fe80::1/64', interface: 'ether1' },
      { address: 'fc00::1/64', interface: 'ether1' },
      { address: '::1/128', interface: 'ether1' },
    ];
    const wanOnly = await info('auto', ['ether1']);
    expect(wanOnly).toMatchObject({ publicIpv4: undefined, publicIpv6: undefined, publicIpUnknown: true });
    const second = await info('auto', ['ether1', 'ether2']);
    expect(second).toMatchObject({ publicIpv4: '198.51.100.4', publicIpv6: undefined, publicIpUnknown: false });
  });

  it('a literal address is used as given, by family', async () => {
    expect(await info('203.0.113.7')).toMatchObject({ publicIpv4: '203.0.113.7', publicIpv6: undefined });
    expect(await info('2001:db8::1')).toMatchObject({ publicIpv4: undefined, publicIpv6: '2001:db8::1' });
  });

  it('rethrows when the caller aborted, even in an optional part', async () => {
    const resource = await collectResource(h.rest, h.signal);
    const controller = new AbortController();
    h.fake.fault('system/routerboard', 'timeout');
    const pending = collectInfo(h.rest, controller.signal, resource, 'none', []);
    await h.fake.nextHang();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ROUTER_TRANSIENT' });
    h.fake.releaseHangs();
  });
});

describe('collectInfo with the routerboard reply the device identity read', () => {
  it('takes the model from it and does not ask the router again', async () => {
    const resource = await collectResource(h.rest, h.signal);
    const { id, board } = await collectDevice(h.rest, h.signal);
    expect(id).toMatch(/^serial:/);
    const before = h.fake.count('GET', 'system/routerboard');
    const got = await collectInfo(h.rest, h.signal, resource, 'none', ['ether1'], board);
    expect(got.model).toBe('C52iG-5HaxD2HaxD');
    expect(h.fake.count('GET', 'system/routerboard')).toBe(before);
  });
});
