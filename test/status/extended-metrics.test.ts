import { describe, expect, it } from 'vitest';
import type { RouterView } from '../../src/router-view.js';
import { extendedFamilies, MAX_LABEL_CHARS } from '../../src/status/extended-metrics.js';
import type { ScalarFamily } from '../../src/status/prom-text.js';
import { extendedRouterView, extendedView } from './extended-view.js';

const view = extendedRouterView;

function family(views: RouterView[], name: string): ScalarFamily['samples'] {
  const f = extendedFamilies(views).find((x) => x.name === name);
  if (f === undefined || f.type === 'histogram') throw new Error(`no family ${name}`);
  return f.samples;
}

describe('extended collector families', () => {
  it('exports interface counters in base units, link state of enabled interfaces and the truncation', () => {
    expect(family([view()], 'tikprobe_interface_receive_bytes_total')).toContainEqual({ labels: { router: 'r1', interface: 'sfp-sfpplus1' }, value: 1e12 });
    expect(family([view()], 'tikprobe_interface_running').map((s) => [s.labels.interface, s.value])).toEqual([
      ['sfp-sfpplus1', 1],
      ['ether2 "lan" \\ x', 0],
    ]);
    expect(family([view()], 'tikprobe_router_interfaces_not_exported')).toEqual([{ labels: { router: 'r1' }, value: 2 }]);
    expect(family([view()], 'tikprobe_interface_speed_bytes_per_second')).toEqual([{ labels: { router: 'r1', interface: 'sfp-sfpplus1' }, value: 1.25e9 }]);
  });

  it('puts each sensor in the family of its unit, percentages as ratios, PSU states as 0/1', () => {
    expect(family([view()], 'tikprobe_health_temperature_celsius')).toEqual([{ labels: { router: 'r1', sensor: 'cpu-temperature' }, value: 61 }]);
    expect(family([view()], 'tikprobe_health_fan_speed_rpm')[0]?.value).toBe(4830);
    expect(family([view()], 'tikprobe_health_ratio')[0]?.value).toBeCloseTo(0.4);
    expect(family([view()], 'tikprobe_health_state_ok').map((s) => s.value)).toEqual([1, 0]);
  });

  it('exports counts, signals, handshake ages and the update check', () => {
    expect(family([view()], 'tikprobe_dhcp_leases').map((s) => [s.labels.state, s.value])).toEqual([
      ['bound', 200],
      ['waiting', 3],
    ]);
    expect(family([view()], 'tikprobe_dhcp_server_leases').map((s) => [s.labels.server, s.labels.state, s.value])).toEqual([
      ['lan_dhcp', 'bound', 180],
      ['lan_dhcp', 'waiting', 2],
      ['guest "wifi"', 'bound', 19],
      ['guest "wifi"', 'waiting', 0],
    ]);
    expect(family([view()], 'tikprobe_dhcp_servers_not_counted')).toEqual([{ labels: { router: 'r1' }, value: 1 }]);
    expect(family([view()], 'tikprobe_wireless_signal_weakest_dbm')).toEqual([{ labels: { router: 'r1', interface: 'wifi1' }, value: -70 }]);
    expect(family([view()], 'tikprobe_wireless_signal_average_dbm')[0]?.value).toBe(-64);
    expect(family([view()], 'tikprobe_wireguard_peer_last_handshake_age_seconds')).toEqual([
      { labels: { router: 'r1', interface: 'wg0', peer: 'office' }, value: 42 },
    ]);
    expect(family([view()], 'tikprobe_router_update_available')[0]?.value).toBe(1);
    expect(family([view()], 'tikprobe_router_update_info')[0]?.labels).toEqual({ router: 'r1', channel: 'stable', installed: '7.16.2', latest: '7.20.5' });
  });

  it('exports no stale values: a failing collector keeps only its collector_up 0, a down router no numbers', () => {
    const failing = view({ extended: extendedView({ health: 'failing', ppp: 'absent', dhcp: 'disabled' }) });
    expect(family([failing], 'tikprobe_health_temperature_celsius')).toEqual([]);
    expect(family([failing], 'tikprobe_ppp_active_sessions')).toEqual([]);
    expect(family([failing], 'tikprobe_dhcp_server_leases')).toEqual([]);
    const up = family([failing], 'tikprobe_collector_up');
    expect(up.find((s) => s.labels.collector === 'health')?.value).toBe(0);
    expect(up.find((s) => s.labels.collector === 'interfaces')?.value).toBe(1);
    expect(up.some((s) => s.labels.collector === 'dhcp')).toBe(false);

    const down = view({ state: 'down' });
    expect(family([down], 'tikprobe_interface_receive_bytes_total')).toEqual([]);
    expect(family([down], 'tikprobe_collector_up').every((s) => s.value === 0)).toBe(true);
    expect(extendedFamilies([view({ extended: undefined })]).every((f) => f.type !== 'histogram' && f.samples.length === 0)).toBe(true);
  });

  it('cuts long label values from the router', () => {
    const ext = extendedView();
    const long = 'x'.repeat(500);
    const reading = { ...ext.reading, wireguard: [{ interface: long, name: long, handshakeAgeSeconds: 1, disabled: false }] };
    const [s] = family([view({ extended: { ...ext, reading } })], 'tikprobe_wireguard_peer_last_handshake_age_seconds');
    expect(s?.labels.peer).toHaveLength(MAX_LABEL_CHARS);
    expect(s?.labels.interface).toHaveLength(MAX_LABEL_CHARS);
  });
});
