/**
 * The extended menus of a simulated router, in the record formats of the fixtures in
 * test/fixtures/routeros (a test holds every record here to the keys of its fixture): health
 * sensors, ethernet ports and `monitor once` with SFP optics, PPP sessions, DHCP servers and
 * leases, the wifi or legacy wireless registration table, WireGuard peers and the passive
 * package-update print. Values drift slowly with time (sines of minutes, seeded per router).
 * Pure: time is an argument.
 */
import type { Board } from './boards.js';
import { rosDuration, sortedRecord } from './ros-format.js';
import type { RosRecord } from './ros-query.js';
import type { Port } from './sim-ports.js';

/** Table sizes; undefined: a plausible size derived from the router's index. */
export interface SimTables {
  leases?: number;
  wirelessClients?: number;
  /** VLAN interfaces added to /interface (interface-limit and cost tests). */
  extraInterfaces?: number;
  pppSessions?: number;
}

export type WirelessKind = 'wifi' | 'wireless' | undefined;

/** Which wireless package the board has: hAP ax² `wifi`, hAP ac² on 7.16 the legacy `wireless`. */
export function wirelessOf(board: Board): WirelessKind {
  if (board.boardName === 'hAP ax^2') return 'wifi';
  return board.boardName === 'hAP' ? 'wireless' : undefined;
}

/** SFP+ cages of the board. */
export function sfpPortsOf(board: Board): string[] {
  if (board.boardName === 'RB5009UG+S+') return ['sfp-sfpplus1'];
  return board.boardName.startsWith('CCR2004') ? ['sfp-sfpplus1', 'sfp-sfpplus2'] : [];
}

/** A slow wave: period of minutes, phase from the seed; -1..1. */
function wave(nowMs: number, seed: number, minutes: number): number {
  return Math.sin(nowMs / (minutes * 60_000) + seed);
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export class SimExtended {
  readonly leases: number;
  readonly clients: number;
  readonly sessions: number;
  readonly wireless: WirelessKind;
  readonly dhcpServers: string[];

  constructor(
    private readonly board: Board,
    private readonly index: number,
    private readonly ports: readonly Port[],
    tables: SimTables,
  ) {
    this.wireless = wirelessOf(board);
    this.leases = tables.leases ?? 8 + ((index * 13) % 40);
    this.clients = this.wireless === undefined ? 0 : (tables.wirelessClients ?? 2 + (index % 9));
    this.sessions = tables.pppSessions ?? (index % 4) * 3;
    this.dhcpServers = index % 2 === 0 ? ['defconf'] : ['defconf', 'guest'];
  }

  /** `/system/health` beyond the temperatures: voltage, power, fans and PSU states where the board has them. */
  healthExtras(nowMs: number): RosRecord[] {
    const out: RosRecord[] = [sortedRecord({ '.id': '*F', name: 'voltage', type: 'V', value: round1(24 + 0.2 * wave(nowMs, this.index, 7)) })];
    if (this.board.lanPorts >= 7) out.push(sortedRecord({ '.id': '*10', name: 'power-consumption', type: 'W', value: round1(14 + 2 * wave(nowMs, this.index, 5)) }));
    if (this.board.boardName.startsWith('CCR')) {
      out.push(sortedRecord({ '.id': '*11', name: 'fan1-speed', type: 'RPM', value: Math.round(4800 + 200 * wave(nowMs, this.index, 3)) }));
      out.push(sortedRecord({ '.id': '*12', name: 'psu1-state', type: '', value: 'ok' }));
      out.push(sortedRecord({ '.id': '*13', name: 'psu2-state', type: '', value: this.index % 10 === 4 ? 'fail' : 'ok' }));
    }
    return out;
  }

  /** `/interface/ethernet`: the ether ports, plural counter names as on a real router. */
  ethernet(): RosRecord[] {
    return this.ports
      .filter((p) => p.type === 'ether')
      .map((p) => sortedRecord({ '.id': p.id, 'default-name': p.name, disabled: 'false', 'mac-address': p.extra['mac-address'], mtu: 1500, name: p.name, running: p.running }));
  }

  /** `/interface/ethernet/monitor … once` for the named ports, or the first unknown name. */
  monitor(names: readonly string[], nowMs: number): RosRecord[] | string {
    const out: RosRecord[] = [];
    for (const name of names) {
      const p = this.ports.find((q) => q.name === name && q.type === 'ether');
      if (!p) return name;
      const sfp = name.startsWith('sfp');
      const link = p.running ? { status: 'link-ok', rate: sfp ? '10Gbps' : this.board.boardName === 'CHR' ? '' : '1Gbps', 'full-duplex': 'true' } : { status: 'no-link' };
      const seed = this.index + name.length;
      const optics = sfp
        ? {
            'sfp-module-present': 'true',
            'sfp-rx-loss': 'false',
            'sfp-tx-fault': 'false',
            'sfp-temperature': `${Math.round(37 + 3 * wave(nowMs, seed, 11))}C`,
            'sfp-supply-voltage': `${(3.297 + 0.01 * wave(nowMs, seed, 13)).toFixed(3)}V`,
            'sfp-tx-bias-current': `${Math.round(6 + wave(nowMs, seed, 17))}mA`,
            'sfp-tx-power': `${(-2.384 + 0.2 * wave(nowMs, seed, 19)).toFixed(3)}dBm`,
            'sfp-rx-power': `${(-2.902 - 0.3 * wave(nowMs, seed, 23)).toFixed(3)}dBm`,
          }
        : {};
      out.push(sortedRecord({ name, 'auto-negotiation': 'done', ...link, ...optics }));
    }
    return out;
  }

  pppActive(nowMs: number): RosRecord[] {
    return Array.from({ length: this.sessions }, (_, i) =>
      sortedRecord({
        '.id': `*8${(i + 1).toString(16).padStart(7, '0')}`,
        address: `100.64.${this.index % 250}.${(i % 250) + 2}`,
        'caller-id': `02:00:5E:00:${(i >> 8) & 0xff}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase(),
        encoding: '',
        'limit-bytes-in': 0,
        'limit-bytes-out': 0,
        name: `client-${i + 1}`,
        radius: 'false',
        service: 'pppoe',
        'session-id': `0x8${(i + 1).toString(16).padStart(7, '0')}`,
        uptime: rosDuration(600 + Math.floor(nowMs / 1000) % 86_400 + i * 37),
      }),
    );
  }

  dhcpServer(): RosRecord[] {
    return this.dhcpServers.map((name, i) =>
      sortedRecord({
        '.id': `*${i + 1}`,
        'add-arp': 'false',
        'address-pool': `${name}_pool`,
        authoritative: 'yes',
        disabled: 'false',
        dynamic: 'false',
        interface: i === 0 ? 'bridge' : 'vlan20',
        invalid: 'false',
        'lease-time': '30m',
        name,
        'use-radius': 'no',
      }),
    );
  }

  /** Leases over the servers in turn; one in ten waiting, which ones shifting every 10 minutes. */
  dhcpLeases(nowMs: number): RosRecord[] {
    const shift = Math.floor(nowMs / 600_000);
    return Array.from({ length: this.leases }, (_, i) => {
      const server = this.dhcpServers[i % this.dhcpServers.length] as string;
      const waiting = (i + shift) % 10 === 0;
      const address = `10.${this.index % 250}.${Math.floor(i / 250) % 250}.${(i % 250) + 2}`;
      const mac = `02:00:${(this.index & 0xff).toString(16).padStart(2, '0')}:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
      const active = waiting ? {} : { 'active-address': address, 'active-mac-address': mac, 'active-server': server, 'expires-after': rosDuration(60 + ((i * 97) % 1700)), 'host-name': `host-${i + 1}`, 'last-seen': rosDuration(5 + (i % 300)) };
      return sortedRecord({ '.id': `*${(i + 16).toString(16).toUpperCase()}`, address, 'address-lists': '', blocked: 'false', comment: '', 'dhcp-option': '', disabled: 'false', dynamic: 'true', 'mac-address': mac, radius: 'false', server, status: waiting ? 'waiting' : 'bound', ...active });
    });
  }

  /** The registration table of the board's package: `signal` (wifi) or `signal-strength` "-63@1Mbps" (wireless). */
  registrationTable(nowMs: number): RosRecord[] {
    return Array.from({ length: this.clients }, (_, i) => {
      const dbm = Math.round(-52 - ((i * 7) % 30) + 3 * wave(nowMs, this.index + i, 2));
      const mac = `02:00:5E:01:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
      if (this.wireless === 'wifi') {
        return sortedRecord({ '.id': `*${i + 1}`, authorized: 'true', band: i % 2 ? '2ghz-n' : '5ghz-ax', interface: i % 2 ? 'wifi2' : 'wifi1', 'mac-address': mac, signal: dbm, ssid: 'sim', uptime: rosDuration(300 + i * 61) });
      }
      return sortedRecord({ '.id': `*${i + 1}`, ap: 'false', interface: 'wlan1', 'mac-address': mac, 'signal-strength': `${dbm}@1Mbps`, 'signal-to-noise': 95 + dbm, 'tx-ccq': 88, uptime: rosDuration(300 + i * 61), wds: 'false' });
    });
  }

  /** Two peers on every other router: one handshaking every 2 minutes, one that never did. */
  wireguardPeers(nowMs: number): RosRecord[] {
    if (this.index % 2 === 1) return [];
    const since = Math.floor(nowMs / 1000) % 120;
    return [
      sortedRecord({ '.id': '*1', 'allowed-address': '10.8.0.2/32', disabled: 'false', interface: 'wg0', 'last-handshake': rosDuration(since) || '0s', name: 'office', rx: 8_395_000 + since * 100, tx: 58_834_536 + since * 900 }),
      sortedRecord({ '.id': '*2', 'allowed-address': '10.8.0.3/32', disabled: 'false', interface: 'wg0', name: 'laptop', rx: 0, tx: 0 }),
    ];
  }

  /** Passive print: the router last checked at some point; every third router is behind. */
  packageUpdate(): RosRecord {
    const installed = this.board.version.split(' ')[0] as string;
    const latest = this.index % 3 === 1 ? '7.20.6' : installed;
    return sortedRecord({ channel: 'stable', 'installed-version': installed, 'latest-version': latest, status: latest === installed ? 'System is already up to date' : 'New version is available' });
  }
}
