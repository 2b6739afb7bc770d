/** The issue-15 menus of a full-featured router for the RouterOS fake, built from the fixtures. */
import { fixture } from '../routeros/fixture.js';

type Rec = Record<string, string>;

/** Every extended menu a router with wifi, WireGuard, PPP, DHCP and an SFP port answers. */
export function fullRouterMenus(): Record<string, Rec | Rec[]> {
  const monitor = [
    ...(fixture('interface_ethernet_monitor_once__hAP-ax2_7.20.5__miklink.json') as Rec[]),
    { ...(fixture('interface_ethernet_monitor_once__CHR_7.22.1__quickchr.json') as Rec[])[0], name: 'ether2' },
  ];
  // The port list the collector reads first: the real record shape, one per port the monitor answers for.
  const port = fixture('interface_ethernet__terraform-provider-routeros.json') as Rec;
  const ports = [
    { ...port, '.id': '*1', name: 'ether1', 'default-name': 'ether1' },
    { ...port, '.id': '*2', name: 'ether2', 'default-name': 'ether2' },
  ];
  return {
    'interface/ethernet': ports,
    'system/health': fixture('system_health__SYNTHETIC__manual-fields.json') as Rec[],
    'ppp/active': fixture('ppp_active__SYNTHETIC__manual-fields.json') as Rec[],
    'ip/dhcp-server': fixture('ip_dhcp_server__SYNTHETIC__manual-fields.json') as Rec[],
    'ip/dhcp-server/lease': fixture('ip_dhcp_server_lease__hAP-ac2_7.16__telegraf.json') as Rec[],
    'interface/wifi/registration-table': fixture('interface_wifi_registration_table__SYNTHETIC__manual-fields.json') as Rec[],
    'interface/wireguard/peers': fixture('interface_wireguard_peers__SYNTHETIC__manual-fields.json') as Rec[],
    'system/package/update': fixture('system_package_update__SYNTHETIC__manual-fields.json') as Rec,
    'interface/ethernet/monitor': monitor,
  };
}

/** `n` leases in the real 7.16 record shape, spread over `servers` in turn, every 10th waiting. */
export function leaseTable(n: number, servers: readonly string[]): Rec[] {
  const [real] = fixture('ip_dhcp_server_lease__hAP-ac2_7.16__telegraf.json') as Rec[];
  return Array.from({ length: n }, (_, i) => {
    const server = servers[i % servers.length] as string;
    const waiting = i % 10 === 9;
    const rec: Rec = { ...real, '.id': `*${(i + 16).toString(16).toUpperCase()}`, server, status: waiting ? 'waiting' : 'bound' };
    if (waiting) {
      for (const k of ['active-address', 'active-client-id', 'active-mac-address', 'active-server', 'expires-after', 'host-name']) delete rec[k];
    } else rec['active-server'] = server;
    return rec;
  });
}
