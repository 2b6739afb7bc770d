/**
 * A simulated router's network configuration as its REST menus print it: addresses,
 * routes (the active default route names the WAN interface in `immediate-gw`) and the
 * cloud service's view of its public address. Pure; documentation address ranges only.
 */
import { sortedRecord } from './ros-format.js';
import type { RosRecord } from './ros-query.js';

export interface NetworkFacts {
  index: number;
  /** WAN over PPPoE (`pppoe-out1`) instead of plain `ether1`. */
  pppoe: boolean;
  publicAddress: string;
  /** Whether `/ip/cloud` knows the public address (otherwise the bridge must fall back). */
  cloudKnowsAddress: boolean;
}

export function wanInterface(f: NetworkFacts): string {
  return f.pppoe ? 'pppoe-out1' : 'ether1';
}

function v6Block(f: NetworkFacts): string {
  return (f.index + 1).toString(16);
}

export function ipAddresses(f: NetworkFacts): RosRecord[] {
  const wan = wanInterface(f);
  return [
    sortedRecord({
      '.id': '*1',
      'actual-interface': 'bridge',
      address: '192.168.88.1/24',
      comment: 'defconf',
      disabled: 'false',
      dynamic: 'false',
      interface: 'bridge',
      invalid: 'false',
      network: '192.168.88.0',
    }),
    sortedRecord({
      '.id': '*2',
      'actual-interface': wan,
      address: f.pppoe ? `${f.publicAddress}/32` : `${f.publicAddress}/24`,
      disabled: 'false',
      dynamic: 'true',
      interface: wan,
      invalid: 'false',
      // On a PPP link `network` is the peer's address.
      network: f.pppoe ? '203.0.113.1' : '203.0.113.0',
    }),
  ];
}

export function ipv6Addresses(f: NetworkFacts): RosRecord[] {
  const block = v6Block(f);
  const row = (id: string, address: string, iface: string, linkLocal: boolean) =>
    sortedRecord({
      '.id': id,
      'actual-interface': iface,
      address,
      advertise: String(!linkLocal),
      disabled: 'false',
      dynamic: String(linkLocal),
      'eui-64': 'false',
      'from-pool': linkLocal ? '' : 'pool6',
      interface: iface,
      invalid: 'false',
      'link-local': String(linkLocal),
      'no-dad': 'false',
    });
  const suffix = block.padStart(2, '0').slice(-2);
  return [
    row('*1', `fe80::4e5e:cff:fe${suffix}:1/64`, 'ether1', true),
    row('*2', `fe80::4e5e:cff:fe${suffix}:2/64`, 'bridge', true),
    row('*3', `2001:db8:${block}::1/64`, 'bridge', false),
  ];
}

export function ipRoutes(f: NetworkFacts): RosRecord[] {
  const wan = wanInterface(f);
  return [
    sortedRecord({
      '.id': '*80000001',
      active: 'true',
      dhcp: String(!f.pppoe),
      distance: 1,
      'dst-address': '0.0.0.0/0',
      dynamic: 'true',
      ecmp: 'false',
      gateway: f.pppoe ? 'pppoe-out1' : '203.0.113.1',
      'hw-offloaded': 'false',
      'immediate-gw': f.pppoe ? 'pppoe-out1' : `203.0.113.1%${wan}`,
      inactive: 'false',
      'routing-table': 'main',
      scope: 30,
      'target-scope': 10,
      'vrf-interface': f.pppoe ? undefined : wan,
    }),
    sortedRecord({
      '.id': '*80000002',
      active: 'true',
      connect: 'true',
      distance: 0,
      'dst-address': '192.168.88.0/24',
      dynamic: 'true',
      ecmp: 'false',
      gateway: 'bridge',
      'hw-offloaded': 'false',
      'immediate-gw': 'bridge',
      inactive: 'false',
      'local-address': '192.168.88.1%bridge',
      'routing-table': 'main',
      scope: 10,
      'target-scope': 5,
    }),
  ];
}

export function ipv6Routes(f: NetworkFacts): RosRecord[] {
  const wan = wanInterface(f);
  return [
    sortedRecord({
      '.id': '*80000010',
      active: 'true',
      distance: 1,
      'dst-address': '::/0',
      dynamic: 'true',
      gateway: `fe80::1%${wan}`,
      'immediate-gw': `fe80::1%${wan}`,
      inactive: 'false',
      'routing-table': 'main',
      scope: 30,
      'target-scope': 10,
    }),
    sortedRecord({
      '.id': '*80000011',
      active: 'true',
      connect: 'true',
      distance: 0,
      'dst-address': `2001:db8:${v6Block(f)}::/64`,
      dynamic: 'true',
      gateway: 'bridge',
      'immediate-gw': 'bridge',
      inactive: 'false',
      'routing-table': 'main',
      scope: 10,
      'target-scope': 5,
    }),
  ];
}

export function cloud(f: NetworkFacts): RosRecord {
  return sortedRecord({
    'back-to-home-vpn': 'revoked-and-disabled',
    'ddns-enabled': 'no',
    'ddns-update-interval': 'none',
    'public-address': f.cloudKnowsAddress ? f.publicAddress : undefined,
    status: f.cloudKnowsAddress ? 'updated' : '',
    'update-time': 'yes',
  });
}
