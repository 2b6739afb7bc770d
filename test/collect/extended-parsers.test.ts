/** Each extended collector's parser against its fixtures (real where one exists, else SYNTHETIC). */
import { describe, expect, it } from 'vitest';
import { countLeasesByStatus, parseLeaseCounts } from '../../src/collect/dhcp-leases.js';
import { parseEthernetMonitor, parseRate } from '../../src/collect/ethernet-monitor.js';
import { parseHealth, parseHealthReading, sensorBaseUnit } from '../../src/collect/health.js';
import { parseInterfaceStats } from '../../src/collect/interface-stats.js';
import { compareVersions, parsePackageUpdate } from '../../src/collect/package-update.js';
import { parsePppCount } from '../../src/collect/ppp-active.js';
import { measured } from '../../src/collect/ros-values.js';
import { parseWireguardPeers } from '../../src/collect/wireguard-peers.js';
import { parseRegistrationTable } from '../../src/collect/wireless-clients.js';
import { fixture } from '../routeros/fixture.js';

describe('health', () => {
  const reading = parseHealthReading(fixture('system_health__SYNTHETIC__manual-fields.json'));
  it('keeps every numeric sensor with its unit and every state', () => {
    expect(reading?.sensors.map((s) => [s.name, s.value, s.unit])).toEqual([
      ['cpu-temperature', 53, 'C'],
      ['board-temperature1', 41.5, 'C'],
      ['sfp-temperature', 38, 'C'],
      ['switch-temperature', 49, 'C'],
      ['voltage', 24.1, 'V'],
      ['current', 0.7, 'A'],
      ['power-consumption', 16.8, 'W'],
      ['fan1-speed', 4830, 'RPM'],
      ['fan2-speed', 0, 'RPM'],
      ['psu1-voltage', 12.1, 'V'],
    ]);
    expect(reading?.states).toEqual([
      { name: 'fan-state', state: 'ok', ok: true },
      { name: 'psu1-state', state: 'ok', ok: true },
      { name: 'psu2-state', state: 'fail', ok: false },
    ]);
  });
  it('maps units to base-unit words', () => {
    const units = reading?.sensors.map(sensorBaseUnit);
    expect(new Set(units)).toEqual(new Set(['celsius', 'volts', 'amperes', 'watts', 'rpm']));
  });
  it('reads a singleton object, skips malformed entries, and a missing type is unitless', () => {
    expect(parseHealth({ name: 'temperature', value: '40' })).toEqual([{ name: 'temperature', value: 40, unit: '' }]);
    expect(parseHealth([{ name: 'x', value: 'no-input!' }, { value: '3' }, null, 'junk', { name: 'y', value: 7 }])).toEqual([]);
    expect(parseHealth('garbage')).toBeUndefined();
  });
});

describe('interfaces', () => {
  it('reads every counter of the real hAP ac² reply (all strings), skipping the unnamed record', () => {
    const t = parseInterfaceStats(fixture('interface__hAP-ac2_7.16__telegraf.json'), 64);
    expect(t.truncated).toBe(0);
    const ether1 = t.interfaces.find((i) => i.name === 'ether1');
    expect(ether1).toMatchObject({ type: 'ether', running: true, disabled: false, linkDowns: 0 });
    expect(Number.isInteger(ether1?.rxBytes)).toBe(true);
    expect(t.interfaces.every((i) => i.name !== '')).toBe(true);
  });
  it('counts what the limit leaves out', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ name: `vlan${i}`, type: 'vlan', 'rx-byte': '1' }));
    const t = parseInterfaceStats(rows, 64);
    expect(t.interfaces).toHaveLength(64);
    expect(t.truncated).toBe(236);
  });
  it('leaves absent or non-integer counters out instead of reading them as 0', () => {
    const [i] = parseInterfaceStats([{ name: 'e', 'rx-byte': '-1', 'tx-byte': '1e3' }], 8).interfaces;
    expect(i?.rxBytes).toBeUndefined();
    expect(i?.txBytes).toBeUndefined();
  });
});

describe('ethernet monitor', () => {
  it('reads the real hAP ax² link (1Gbps) and the CHR virtio link with an empty rate', () => {
    expect(parseEthernetMonitor(fixture('interface_ethernet_monitor_once__hAP-ax2_7.20.5__miklink.json'))).toEqual([
      { name: 'ether1', status: 'link-ok', rateBps: 1e9 },
    ]);
    expect(parseEthernetMonitor(fixture('interface_ethernet_monitor_once__CHR_7.22.1__quickchr.json'))).toEqual([
      { name: 'ether1', status: 'link-ok' },
    ]);
  });
  it('reads SFP optics in base units (°C, V, A, dBm)', () => {
    const [sfp] = parseEthernetMonitor(fixture('interface_ethernet_monitor_sfp__SYNTHETIC__manual-fields.json'));
    expect(sfp).toEqual({
      name: 'sfp-sfpplus1',
      status: 'link-ok',
      rateBps: 1e10,
      sfp: { rxLoss: false, txFault: false, temperatureCelsius: 37, supplyVolts: 3.297, txBiasAmperes: 0.006, txPowerDbm: -2.384, rxPowerDbm: -2.902 },
    });
  });
  it('parses rates and unit strings strictly', () => {
    expect(parseRate('2.5Gbps')).toBe(2.5e9);
    expect(parseRate('100Mbps')).toBe(1e8);
    expect(parseRate('')).toBeUndefined();
    expect(parseRate('fast')).toBeUndefined();
    expect(measured('-63@1Mbps')).toEqual({ value: -63, unit: '' });
    expect(measured('-2.1dBm')).toEqual({ value: -2.1, unit: 'dbm' });
    expect(measured('4830RPM')).toEqual({ value: 4830, unit: 'rpm' });
    expect(measured('12W')).toEqual({ value: 12, unit: 'watts' });
    expect(measured('12 parsecs')).toBeUndefined();
  });
});

describe('counts', () => {
  it('reads count-only replies, object or one-element array', () => {
    expect(parsePppCount({ ret: '1532' })).toEqual({ active: 1532 });
    expect(parsePppCount([{ ret: '2' }])).toEqual({ active: 2 });
    expect(parsePppCount([])).toBeUndefined();
    expect(parsePppCount({ ret: 'many' })).toBeUndefined();
    expect(parseLeaseCounts({ ret: '2000' }, { ret: '3' })).toEqual({ bound: 2000, waiting: 3 });
    expect(parseLeaseCounts({ ret: '2000' }, {})).toBeUndefined();
  });
  it('counts the real lease list the way the router query does', () => {
    const leases = fixture('ip_dhcp_server_lease__hAP-ac2_7.16__telegraf.json');
    expect(countLeasesByStatus(leases, 'bound')).toBeGreaterThan(0);
  });
});

describe('wireless', () => {
  it('reads wifi signal as dBm and legacy wireless signal-strength with its rate suffix', () => {
    expect(parseRegistrationTable(fixture('interface_wifi_registration_table__SYNTHETIC__manual-fields.json'), 'wifi', 64)).toEqual([
      { interface: 'wifi1', signalDbm: -58 },
      { interface: 'wifi2', signalDbm: -77 },
    ]);
    expect(
      parseRegistrationTable(fixture('interface_wireless_registration_table__SYNTHETIC__manual-fields.json'), 'wireless', 64),
    ).toEqual([{ interface: 'wlan1', signalDbm: -63 }]);
    expect(parseRegistrationTable([{ interface: 'w' }], 'wifi', 64)).toEqual([{ interface: 'w' }]);
  });
});

describe('wireguard', () => {
  it('reads handshake age in seconds; a peer without a handshake has none', () => {
    expect(parseWireguardPeers(fixture('interface_wireguard_peers__SYNTHETIC__manual-fields.json'))).toEqual([
      { interface: 'wg0', name: 'peer1', handshakeAgeSeconds: 74, rxBytes: 8395000, txBytes: 58834536, disabled: false },
      { interface: 'wg0', name: 'peer2', rxBytes: 0, txBytes: 0, disabled: false },
    ]);
    expect(parseWireguardPeers({ interface: 'wg1', comment: 'office', 'last-handshake': 'soon' })).toEqual([
      { interface: 'wg1', name: 'office', disabled: false },
    ]);
  });
});

describe('package update', () => {
  it('reads the last section of the real check-for-updates reply: up to date', () => {
    expect(parsePackageUpdate(fixture('system_package_update_check_for_updates__CHR_7.22.1__quickchr.json'))).toEqual({
      channel: 'stable',
      installed: '7.22.1',
      latest: '7.22.1',
      available: false,
    });
  });
  it('sees a newer version, and says nothing when the router has not checked', () => {
    expect(parsePackageUpdate(fixture('system_package_update__SYNTHETIC__manual-fields.json'))).toMatchObject({ available: true });
    expect(parsePackageUpdate({ channel: 'stable', 'installed-version': '7.16.1' })).toEqual({ channel: 'stable', installed: '7.16.1' });
  });
  it('orders versions with pre-releases before the release', () => {
    expect(compareVersions('7.17', '7.16.2')).toBe(1);
    expect(compareVersions('7.17rc3', '7.17')).toBe(-1);
    expect(compareVersions('7.17beta1', '7.17rc1')).toBe(-1);
    expect(compareVersions('7.16', '7.16.0')).toBe(0);
    expect(compareVersions('seven', '7.16')).toBeUndefined();
  });
});

describe('every list parser: a singleton object reads like a one-element array', () => {
  const one = <T>(name: string): T => (fixture(name) as T[])[0] as T;
  it.each([
    ['interfaces', (r: unknown) => parseInterfaceStats(r, 64), one('interface__hAP-ac2_7.16__telegraf.json')],
    ['ethernet', parseEthernetMonitor, one('interface_ethernet_monitor_sfp__SYNTHETIC__manual-fields.json')],
    ['wifi', (r: unknown) => parseRegistrationTable(r, 'wifi', 64), one('interface_wifi_registration_table__SYNTHETIC__manual-fields.json')],
    ['wireless', (r: unknown) => parseRegistrationTable(r, 'wireless', 64), one('interface_wireless_registration_table__SYNTHETIC__manual-fields.json')],
    ['wireguard', parseWireguardPeers, one('interface_wireguard_peers__SYNTHETIC__manual-fields.json')],
    ['health', parseHealthReading, one('system_health__SYNTHETIC__manual-fields.json')],
    ['update', parsePackageUpdate, fixture('system_package_update__SYNTHETIC__manual-fields.json')],
  ] as [string, (r: unknown) => unknown, unknown][])('%s', (_name, parse, record) => {
    const single = parse(record);
    expect(single).toEqual(parse([record]));
    expect(JSON.stringify(single)).not.toBe(JSON.stringify(parse([])));
  });
});
