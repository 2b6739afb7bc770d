/**
 * The extended collectors' readings as Prometheus families, read from `RouterView.extended` at
 * scrape time: per interface, per health sensor, SFP optics, PPP, DHCP, wireless, WireGuard,
 * firmware updates, and one `tikprobe_collector_up` per configured collector. Values are
 * exported only while the router is up and the collector's last run succeeded: a stale value
 * would look current to an alert. Cardinality is bounded upstream (interface limit, sensor,
 * port and peer caps) and every label value is cut to MAX_LABEL_CHARS. Pure.
 */
import type { ExtendedReading, ExtendedView, HealthSensor } from '../model.js';
import type { RouterView } from '../router-view.js';
import type { Labels, MetricFamily, Sample } from './prom-text.js';

/** Label values from the router (interface, sensor, peer names) are cut to this length. */
export const MAX_LABEL_CHARS = 64;

/** A label value of bounded length. */
export function labelValue(v: string): string {
  return v.length > MAX_LABEL_CHARS ? v.slice(0, MAX_LABEL_CHARS) : v;
}

type Live = { router: string; reading: Readonly<ExtendedReading>; ok: (c: string) => boolean };
type Family = { name: string; help: string; type: 'counter' | 'gauge'; read: (r: Live) => Sample[] };

const flag = (b: boolean): number => (b ? 1 : 0);

function perInterface(key: 'rxBytes' | 'txBytes' | 'rxPackets' | 'txPackets' | 'rxErrors' | 'txErrors' | 'rxDrops' | 'txDrops' | 'linkDowns') {
  return (r: Live): Sample[] => {
    if (!r.ok('interfaces')) return [];
    return (r.reading.interfaces?.interfaces ?? []).flatMap((i) => {
      const value = i[key];
      return value === undefined ? [] : [{ labels: { router: r.router, interface: labelValue(i.name) }, value }];
    });
  };
}

function counterFamily(name: string, help: string, key: Parameters<typeof perInterface>[0]): Family {
  return { name, help, type: 'counter', read: perInterface(key) };
}

const INTERFACE_FAMILIES: readonly Family[] = [
  counterFamily('tikprobe_interface_receive_bytes_total', 'Bytes received on the interface, as the router counts them (resets with the router).', 'rxBytes'),
  counterFamily('tikprobe_interface_transmit_bytes_total', 'Bytes transmitted on the interface, as the router counts them (resets with the router).', 'txBytes'),
  counterFamily('tikprobe_interface_receive_packets_total', 'Packets received on the interface.', 'rxPackets'),
  counterFamily('tikprobe_interface_transmit_packets_total', 'Packets transmitted on the interface.', 'txPackets'),
  counterFamily('tikprobe_interface_receive_errors_total', 'Receive errors on the interface.', 'rxErrors'),
  counterFamily('tikprobe_interface_transmit_errors_total', 'Transmit errors on the interface.', 'txErrors'),
  counterFamily('tikprobe_interface_receive_drops_total', 'Received packets dropped on the interface.', 'rxDrops'),
  counterFamily('tikprobe_interface_transmit_drops_total', 'Transmitted packets dropped on the interface.', 'txDrops'),
  counterFamily('tikprobe_interface_link_downs_total', 'Times the link of the interface went down.', 'linkDowns'),
  {
    name: 'tikprobe_interface_running',
    help: '1 when the interface is running (link up), else 0; disabled interfaces are left out.',
    type: 'gauge',
    read: (r) =>
      r.ok('interfaces')
        ? (r.reading.interfaces?.interfaces ?? []).filter((i) => !i.disabled).map((i) => ({ labels: { router: r.router, interface: labelValue(i.name) }, value: flag(i.running) }))
        : [],
  },
  {
    name: 'tikprobe_interface_info',
    help: 'The RouterOS type of each exported interface (always 1).',
    type: 'gauge',
    read: (r) =>
      r.ok('interfaces')
        ? (r.reading.interfaces?.interfaces ?? []).map((i) => ({ labels: { router: r.router, interface: labelValue(i.name), type: labelValue(i.type) }, value: 1 }))
        : [],
  },
  {
    name: 'tikprobe_router_interfaces_not_exported',
    help: 'Interfaces of the router left out of the per-interface families by collectors.interfaceLimit.',
    type: 'gauge',
    read: (r) => (r.ok('interfaces') && r.reading.interfaces ? [{ labels: { router: r.router }, value: r.reading.interfaces.truncated }] : []),
  },
];

/** Health sensors by base unit; a sensor in another unit is not exported. */
const SENSOR_UNITS: readonly { unit: string; scale: number; name: string; what: string }[] = [
  { unit: 'C', scale: 1, name: 'tikprobe_health_temperature_celsius', what: 'Temperature' },
  { unit: 'V', scale: 1, name: 'tikprobe_health_voltage_volts', what: 'Voltage' },
  { unit: 'A', scale: 1, name: 'tikprobe_health_current_amperes', what: 'Current' },
  { unit: 'W', scale: 1, name: 'tikprobe_health_power_watts', what: 'Power' },
  { unit: 'RPM', scale: 1, name: 'tikprobe_health_fan_speed_rpm', what: 'Fan speed' },
  { unit: '%', scale: 0.01, name: 'tikprobe_health_ratio', what: 'Percentage sensor as a 0-1 ratio' },
];

function sensorFamily(u: (typeof SENSOR_UNITS)[number]): Family {
  const of = (s: HealthSensor) => s.unit === u.unit || (u.unit === 'RPM' && s.unit === 'rpm');
  return {
    name: u.name,
    help: `${u.what} reported by a /system/health sensor, labelled with its RouterOS name.`,
    type: 'gauge',
    read: (r) =>
      r.ok('health') ? (r.reading.health?.sensors ?? []).filter(of).map((s) => ({ labels: { router: r.router, sensor: labelValue(s.name) }, value: s.value * u.scale })) : [],
  };
}

const HEALTH_FAMILIES: readonly Family[] = [
  ...SENSOR_UNITS.map(sensorFamily),
  {
    name: 'tikprobe_health_state_ok',
    help: '1 when a textual /system/health state (PSU, fan) reads "ok", 0 for anything else ("fail", "no-input").',
    type: 'gauge',
    read: (r) => (r.ok('health') ? (r.reading.health?.states ?? []).map((s) => ({ labels: { router: r.router, sensor: labelValue(s.name) }, value: flag(s.ok) })) : []),
  },
];

function perPort(read: (l: NonNullable<ExtendedReading['ethernet']>[number]) => number | boolean | undefined) {
  return (r: Live): Sample[] => {
    if (!r.ok('ethernet')) return [];
    return (r.reading.ethernet ?? []).flatMap((l) => {
      const v = read(l);
      return v === undefined ? [] : [{ labels: { router: r.router, interface: labelValue(l.name) }, value: typeof v === 'boolean' ? flag(v) : v }];
    });
  };
}

const ETHERNET_FAMILIES: readonly Family[] = [
  {
    name: 'tikprobe_interface_speed_bytes_per_second',
    help: 'Negotiated link rate of the ethernet port in bytes per second (multiply by 8 for bit/s); absent without link.',
    type: 'gauge',
    read: perPort((l) => (l.rateBps === undefined ? undefined : l.rateBps / 8)),
  },
  { name: 'tikprobe_sfp_rx_power_dbm', help: 'Received optical power of the SFP module.', type: 'gauge', read: perPort((l) => l.sfp?.rxPowerDbm) },
  { name: 'tikprobe_sfp_tx_power_dbm', help: 'Transmitted optical power of the SFP module.', type: 'gauge', read: perPort((l) => l.sfp?.txPowerDbm) },
  { name: 'tikprobe_sfp_temperature_celsius', help: 'Temperature of the SFP module.', type: 'gauge', read: perPort((l) => l.sfp?.temperatureCelsius) },
  { name: 'tikprobe_sfp_supply_voltage_volts', help: 'Supply voltage of the SFP module.', type: 'gauge', read: perPort((l) => l.sfp?.supplyVolts) },
  { name: 'tikprobe_sfp_tx_bias_current_amperes', help: 'Laser bias current of the SFP module.', type: 'gauge', read: perPort((l) => l.sfp?.txBiasAmperes) },
  { name: 'tikprobe_sfp_rx_loss', help: '1 when the SFP module reports loss of received signal.', type: 'gauge', read: perPort((l) => l.sfp?.rxLoss) },
  { name: 'tikprobe_sfp_tx_fault', help: '1 when the SFP module reports a transmitter fault.', type: 'gauge', read: perPort((l) => l.sfp?.txFault) },
];

/** Signals of the listed wireless clients, per interface. */
function signalsByInterface(r: Live): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (!r.ok('wireless')) return out;
  for (const c of r.reading.wireless?.signals ?? []) {
    if (c.signalDbm === undefined) continue;
    const key = labelValue(c.interface);
    out.set(key, [...(out.get(key) ?? []), c.signalDbm]);
  }
  return out;
}

function signalFamily(name: string, help: string, pick: (dbm: number[]) => number): Family {
  return {
    name,
    help,
    type: 'gauge',
    read: (r) => [...signalsByInterface(r)].map(([iface, dbm]) => ({ labels: { router: r.router, interface: iface }, value: pick(dbm) })),
  };
}

const one = (r: Live, value: number, labels: Labels = {}): Sample[] => [{ labels: { router: r.router, ...labels }, value }];

const OTHER_FAMILIES: readonly Family[] = [
  { name: 'tikprobe_ppp_active_sessions', help: 'Active PPP sessions (PPPoE, L2TP, SSTP, OVPN, ...).', type: 'gauge', read: (r) => (r.ok('ppp') && r.reading.ppp ? one(r, r.reading.ppp.active) : []) },
  {
    name: 'tikprobe_dhcp_leases',
    help: 'DHCP server leases by state (bound, waiting), all servers together.',
    type: 'gauge',
    read: (r) => {
      const d = r.reading.dhcp;
      return r.ok('dhcp') && d ? [...one(r, d.bound, { state: 'bound' }), ...one(r, d.waiting, { state: 'waiting' })] : [];
    },
  },
  {
    name: 'tikprobe_dhcp_server_leases',
    help: 'DHCP leases of one server by state (bound, waiting); servers beyond collectors.dhcpServerLimit and leases for all servers are in tikprobe_dhcp_leases only.',
    type: 'gauge',
    read: (r) =>
      r.ok('dhcp')
        ? (r.reading.dhcp?.servers ?? []).flatMap((s) => [
            ...one(r, s.bound, { server: labelValue(s.server), state: 'bound' }),
            ...one(r, s.waiting, { server: labelValue(s.server), state: 'waiting' }),
          ])
        : [],
  },
  {
    name: 'tikprobe_dhcp_servers_not_counted',
    help: 'Enabled DHCP servers of the router left out of tikprobe_dhcp_server_leases by collectors.dhcpServerLimit.',
    type: 'gauge',
    read: (r) => (r.ok('dhcp') && r.reading.dhcp ? one(r, r.reading.dhcp.serversNotCounted) : []),
  },
  {
    name: 'tikprobe_wireless_clients',
    help: 'Wireless clients in the registration table, labelled with the package that serves them (wifi, wireless).',
    type: 'gauge',
    read: (r) => (r.ok('wireless') && r.reading.wireless ? one(r, r.reading.wireless.clients, { package: r.reading.wireless.package }) : []),
  },
  signalFamily('tikprobe_wireless_signal_weakest_dbm', 'Weakest client signal on the wireless interface (listed only up to collectors.wirelessListLimit clients).', (d) => Math.min(...d)),
  signalFamily('tikprobe_wireless_signal_average_dbm', 'Average client signal on the wireless interface, in dBm (listed only up to collectors.wirelessListLimit clients).', (d) => d.reduce((a, b) => a + b, 0) / d.length),
  {
    name: 'tikprobe_wireguard_peer_last_handshake_age_seconds',
    help: 'Seconds since the last handshake of the WireGuard peer; peers that never shook hands are left out.',
    type: 'gauge',
    read: (r) =>
      r.ok('wireguard')
        ? (r.reading.wireguard ?? []).flatMap((p) =>
            p.handshakeAgeSeconds === undefined ? [] : one(r, p.handshakeAgeSeconds, { interface: labelValue(p.interface), peer: labelValue(p.name) }),
          )
        : [],
  },
  {
    name: 'tikprobe_router_update_available',
    help: '1 when the router knows a newer RouterOS version on its channel, 0 when it is current; absent until the router has checked.',
    type: 'gauge',
    read: (r) => (r.ok('updates') && r.reading.updates?.available !== undefined ? one(r, flag(r.reading.updates.available)) : []),
  },
  {
    name: 'tikprobe_router_update_info',
    help: 'Installed and latest RouterOS version and update channel, as the router last checked (always 1).',
    type: 'gauge',
    read: (r) => {
      const u = r.reading.updates;
      if (!r.ok('updates') || u === undefined || u.installed === undefined) return [];
      return one(r, 1, { channel: labelValue(u.channel ?? ''), installed: labelValue(u.installed), latest: labelValue(u.latest ?? '') });
    },
  },
];

const FAMILIES: readonly Family[] = [...INTERFACE_FAMILIES, ...HEALTH_FAMILIES, ...ETHERNET_FAMILIES, ...OTHER_FAMILIES];

function collectorUp(views: readonly RouterView[]): Sample[] {
  return views.flatMap((v) =>
    (v.extended?.collectors ?? [])
      .filter((c) => c.state !== 'disabled')
      .map((c) => ({ labels: { router: v.name, collector: c.name }, value: flag(v.state === 'up' && c.state === 'ok') })),
  );
}

function liveOf(v: RouterView & { extended: ExtendedView }): Live {
  const ok = new Set(v.extended.collectors.filter((c) => c.state === 'ok').map((c) => c.name as string));
  return { router: v.name, reading: v.extended.reading, ok: (c) => ok.has(c) };
}

/** Every extended family, from the views of the routers that are up. */
export function extendedFamilies(views: readonly RouterView[]): MetricFamily[] {
  const live = views.filter((v): v is RouterView & { extended: ExtendedView } => v.state === 'up' && v.extended !== undefined).map(liveOf);
  return [
    {
      name: 'tikprobe_collector_up',
      help: '1 when the extended collector of the router last succeeded, 0 when it is pending, absent on the router, or failing (see /status).',
      type: 'gauge',
      samples: collectorUp(views),
    },
    ...FAMILIES.map((f) => ({ name: f.name, help: f.help, type: f.type, samples: live.flatMap((r) => f.read(r)) })),
  ];
}
