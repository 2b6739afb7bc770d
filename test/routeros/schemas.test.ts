import { describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import {
  MAX_FIELD_CHARS,
  parseAddresses,
  parseCloud,
  parseCountOnly,
  parseIdentity,
  parseInterfaces,
  parseResource,
  parseRouterboard,
  parseRoutes,
  parseTrackingTotal,
  trackingHasFamilyTotals,
} from '../../src/routeros/schemas.js';
import { fixture } from './fixture.js';

function malformed(fn: () => unknown): RouterError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RouterError);
    expect((err as RouterError).code).toBe('ROUTER_MALFORMED');
    return err as RouterError;
  }
  throw new Error('expected ROUTER_MALFORMED, nothing was thrown');
}

const asArray = (v: unknown) => [v];

describe('parseResource', () => {
  it('reads a hAP ax² on 7.20.5', () => {
    expect(parseResource(fixture('system_resource__hAP-ax2_arm64_7.20.5__miklink.json'))).toEqual({
      uptimeS: 4_360,
      version: '7.20.5 (stable)',
      cpuLoadPercent: 7,
      cpuCount: 4,
      cpuFrequencyMhz: 864,
      cpu: 'ARM64',
      architecture: 'arm64',
      boardName: 'hAP ax^2',
      totalMemoryBytes: 1_073_741_824,
      freeMemoryBytes: 705_699_840,
      totalHddBytes: 134_217_728,
      freeHddBytes: 92_979_200,
    });
  });

  it('reads the one-element array of 7.1beta4 like an object', () => {
    const r = parseResource(fixture('system_resource__CCR1016-12S-1S+_tile_7.1beta4__mikrotik-docs.json'));
    expect(r.boardName).toBe('CCR1016-12S-1S+');
    expect(r.uptimeS).toBe(2 * 86_400 + 20 * 3_600 + 12 * 60 + 20);
    expect(r.cpuCount).toBe(16);
  });

  it('reads CHR and hAP ac² samples, object and array alike', () => {
    for (const name of ['system_resource__CHR-x86_64_7.19.4__acme-deploy-mikrotik-api.json', 'system_resource__hAP-ac2_arm_7.16__telegraf.json']) {
      const json = fixture(name);
      expect(parseResource(asArray(json))).toEqual(parseResource(json));
    }
    expect(parseResource(fixture('system_resource__CHR-x86_64_7.19.4__acme-deploy-mikrotik-api.json')).boardName).toBe('CHR');
  });

  it('tolerates absent optional fields and extra keys', () => {
    const r = parseResource({ uptime: '5s', version: '7.20', 'cpu-load': '1', 'total-memory': '10', 'free-memory': '5', novel: 'x' });
    expect(r).toMatchObject({ uptimeS: 5, cpuCount: 1, cpuFrequencyMhz: undefined, totalHddBytes: 0, boardName: '' });
  });

  it.each([
    ['cpu-load', '12%'],
    ['free-memory', '967MiB'],
    ['total-memory', ''],
    ['cpu-load', '1.5'],
    ['uptime', '45d00:00:00x'],
  ])('rejects %s = %j and names the field and menu', (field, value) => {
    const json = { ...(fixture('system_resource__hAP-ax2_arm64_7.20.5__miklink.json') as object), [field]: value };
    const err = malformed(() => parseResource(json));
    expect(err.message).toContain('system/resource');
    expect(err.message).toContain(field);
  });

  it('rejects numbers sent as JSON numbers (RouterOS sends strings)', () => {
    const json = { ...(fixture('system_resource__hAP-ax2_arm64_7.20.5__miklink.json') as object), 'free-memory': 134217728 };
    expect(malformed(() => parseResource(json)).message).toContain('free-memory');
  });

  it('rejects a missing uptime, an array of two and a string', () => {
    const json = { ...(fixture('system_resource__hAP-ax2_arm64_7.20.5__miklink.json') as object) } as Record<string, unknown>;
    delete json.uptime;
    expect(malformed(() => parseResource(json)).message).toContain('"uptime" is missing');
    malformed(() => parseResource([{}, {}]));
    malformed(() => parseResource('ok'));
  });
});

describe('parseRouterboard', () => {
  it('reads a hAP ac², as object and as one-element array', () => {
    const json = fixture('system_routerboard__hAP-ac2_7.16__telegraf.json');
    const expected = { routerboard: true, model: 'RBD52G-5HacD2HnD', firmware: '7.15.3' };
    expect(parseRouterboard(json)).toEqual(expected);
    expect(parseRouterboard(asArray(json))).toEqual(expected);
  });

  it('reads a CHR reply without hardware data', () => {
    expect(parseRouterboard({ routerboard: 'false' })).toEqual({ routerboard: false, model: undefined, firmware: undefined });
  });
});

describe('parseIdentity', () => {
  it('reads the name, as object and as one-element array', () => {
    const json = fixture('system_identity__terraform-provider-routeros.json');
    expect(parseIdentity(json)).toBe('MikroTik');
    expect(parseIdentity(asArray(json))).toBe('MikroTik');
  });

  it('rejects a reply without a name', () => {
    expect(malformed(() => parseIdentity({})).message).toContain('system/identity');
  });
});

describe('parseInterfaces', () => {
  it('reads the hAP ac² list and skips the trailing {}', () => {
    const counters = parseInterfaces(fixture('interface__hAP-ac2_7.16__telegraf.json'));
    expect(counters).toHaveLength(3);
    expect(counters[0]).toEqual({ id: '*1', name: 'ether1', rxBytes: 194_632_346_152n, txBytes: 15_355_309_685n });
  });

  it('keeps 64-bit counters above 2^53 exact', () => {
    const [c] = parseInterfaces([{ '.id': '*1', name: 'ether1', 'rx-byte': '18446744073709551615', 'tx-byte': '9007199254740993' }]);
    expect(c?.rxBytes).toBe(18_446_744_073_709_551_615n);
    expect(c?.txBytes).toBe(9_007_199_254_740_993n);
  });

  it('gives an empty id when .id is absent (early 7.x under .proplist)', () => {
    expect(parseInterfaces([{ name: 'ether1', 'rx-byte': '1', 'tx-byte': '2' }])[0]?.id).toBe('');
  });

  it('rejects a counter that is not a number', () => {
    const err = malformed(() => parseInterfaces([{ '.id': '*1', name: 'ether1', 'rx-byte': '12 KiB', 'tx-byte': '0' }]));
    expect(err.message).toContain('rx-byte');
  });
});

describe('parseCountOnly', () => {
  it('reads {"ret":"n"}', () => {
    expect(parseCountOnly(fixture('ip_address_print_count_only__manual-mikrotik-com.json'))).toBe(1);
    expect(parseCountOnly({ ret: '123' })).toBe(123);
    expect(parseCountOnly([{ ret: '7' }])).toBe(7);
  });

  it.each([[[]], [[{ '.id': '*1', protocol: 'tcp' }]], [{ ret: 'x' }], [{}], ['5']])('throws ROUTER_MALFORMED on %j', (json) => {
    malformed(() => parseCountOnly(json));
  });
});

describe('parseTrackingTotal', () => {
  it('reads total-entries, object or array', () => {
    expect(parseTrackingTotal({ 'total-entries': '87', 'max-entries': '1048576' })).toBe(87);
    expect(parseTrackingTotal([{ 'total-entries': '3' }])).toBe(3);
    expect(trackingHasFamilyTotals({ 'total-entries': '3' })).toBe(false);
    expect(trackingHasFamilyTotals({ 'total-entries': '3', 'total-ip4-entries': '2' })).toBe(true);
    malformed(() => parseTrackingTotal({ enabled: 'auto' }));
  });
});

describe('parseCloud', () => {
  it('reads the public address, as object and array', () => {
    const json = fixture('ip_cloud__terraform-provider-routeros.json');
    expect(parseCloud(json)).toEqual({ publicIpv4: '31.173.86.120', publicIpv6: undefined });
    expect(parseCloud(asArray(json))).toEqual(parseCloud(json));
  });

  it('treats empty or invalid addresses as absent', () => {
    expect(parseCloud({ 'public-address': '', 'public-address-ipv6': 'n/a' })).toEqual({ publicIpv4: undefined, publicIpv6: undefined });
  });
});

describe('parseAddresses and parseRoutes', () => {
  it('reads address lists without prefix lengths and flags unusable entries', () => {
    expect(parseAddresses(fixture('ip_address__list__mikrotik-docs.json'))).toEqual([
      { address: '10.0.0.111', interface: 'ether2', usable: true, linkLocal: false },
      { address: '10.0.0.109', interface: 'ether3', usable: false, linkLocal: false },
    ]);
    expect(parseAddresses(fixture('ipv6_address__terraform-provider-routeros.json'), 'ipv6/address')).toEqual([
      { address: 'fe80::5605:abff:fecd:1231', interface: 'ether1', usable: true, linkLocal: true },
    ]);
  });

  it('reads routes', () => {
    expect(parseRoutes([{ 'dst-address': '0.0.0.0/0', gateway: '10.0.0.1', 'immediate-gw': '10.0.0.1%ether1', active: 'true' }])).toEqual([
      { dstAddress: '0.0.0.0/0', gateway: '10.0.0.1', immediateGw: '10.0.0.1%ether1', active: true, routingTable: undefined },
    ]);
  });
});

describe('text from a router is bounded', () => {
  it('a 30 MB cpu string is cut to MAX_FIELD_CHARS before it can be forwarded', () => {
    const json = fixture('system_resource__hAP-ax2_arm64_7.20.5__miklink.json') as Record<string, unknown>;
    const r = parseResource({ ...json, cpu: 'A'.repeat(30 * 1024 * 1024), 'board-name': 'B'.repeat(1000) });
    expect(r.cpu.length).toBe(MAX_FIELD_CHARS);
    expect(r.boardName.length).toBe(MAX_FIELD_CHARS);
  });
});
