/** An extended view with every collector ok and every family filled: a CCR with SFP, PSUs, WireGuard and wifi. */
import type { CollectorStatus, ExtendedCollector, ExtendedView } from '../../src/model.js';
import type { RouterView } from '../../src/router-view.js';
import { routerSample } from '../integrations/komari/samples.js';

const NAMES: readonly ExtendedCollector[] = ['interfaces', 'health', 'ethernet', 'ppp', 'dhcp', 'wireless', 'wireguard', 'updates'];

export function extendedView(states: Partial<Record<ExtendedCollector, CollectorStatus['state']>> = {}): ExtendedView {
  const collectors = NAMES.map((name) => ({ name, state: states[name] ?? 'ok', failures: 0 }));
  return {
    running: false,
    collectors,
    reading: {
      interfaces: {
        truncated: 2,
        interfaces: [
          { name: 'sfp-sfpplus1', type: 'ether', running: true, disabled: false, linkDowns: 3, rxBytes: 1e12, txBytes: 5e11, rxPackets: 9e8, txPackets: 7e8, rxDrops: 1, txDrops: 2, rxErrors: 4, txErrors: 0 },
          { name: 'ether2 "lan" \\ x', type: 'ether', running: false, disabled: false, rxBytes: 0, txBytes: 0 },
          { name: 'ether3', type: 'ether', running: false, disabled: true },
        ],
      },
      health: {
        sensors: [
          { name: 'cpu-temperature', value: 61, unit: 'C' },
          { name: 'psu1-voltage', value: 12.1, unit: 'V' },
          { name: 'psu1-current', value: 1.5, unit: 'A' },
          { name: 'power-consumption', value: 38.4, unit: 'W' },
          { name: 'fan1-speed', value: 4830, unit: 'RPM' },
          { name: 'humidity', value: 40, unit: '%' },
        ],
        states: [
          { name: 'psu1-state', state: 'ok', ok: true },
          { name: 'psu2-state', state: 'fail', ok: false },
        ],
      },
      ethernet: [
        {
          name: 'sfp-sfpplus1',
          status: 'link-ok',
          rateBps: 1e10,
          sfp: { rxLoss: false, txFault: false, temperatureCelsius: 37, supplyVolts: 3.297, txBiasAmperes: 0.006, txPowerDbm: -2.384, rxPowerDbm: -5.1 },
        },
        { name: 'ether2', status: 'no-link' },
      ],
      ppp: { active: 120 },
      dhcp: {
        bound: 200,
        waiting: 3,
        totalsCountedAt: 1_000,
        servers: [
          { server: 'lan_dhcp', bound: 180, waiting: 2, countedAt: 1_000 },
          { server: 'guest "wifi"', bound: 19, waiting: 0, countedAt: 2_000 },
        ],
        serversNotCounted: 1,
      },
      wireless: { package: 'wifi', clients: 3, signals: [{ interface: 'wifi1', signalDbm: -58 }, { interface: 'wifi1', signalDbm: -70 }, { interface: 'wifi2' }] },
      wireguard: [
        { interface: 'wg0', name: 'office', handshakeAgeSeconds: 42, disabled: false },
        { interface: 'wg0', name: 'never', disabled: false },
      ],
      updates: { channel: 'stable', installed: '7.16.2', latest: '7.20.5', available: true },
    },
  };
}

/** A router view whose last sample carries `extendedView()`; `over` replaces any field. */
export function extendedRouterView(over: Partial<RouterView> = {}): RouterView {
  return {
    name: 'r1',
    state: 'up',
    lastSample: routerSample({ router: 'r1' }),
    lastSuccessAt: 1,
    lastError: undefined,
    lastErrorCode: undefined,
    lastPollMs: 10,
    degraded: [],
    lastPing: undefined,
    parts: [],
    extended: extendedView(),
    ...over,
  };
}
