/**
 * A simulated router's interfaces. Only the WAN side has its own traffic (two byte counters
 * fed by rate walks); every port carries a fixed share of it, so all counters grow together
 * and never go backwards. Pure.
 */
import type { Board } from './boards.js';
import { sortedRecord } from './ros-format.js';
import type { RosRecord } from './ros-query.js';

export interface Port {
  id: string;
  name: string;
  type: string;
  running: boolean;
  /** rx = rxShare × WAN rx + rxFromTx × WAN tx (a LAN port receives what the WAN sends out). */
  rxShare: number;
  rxFromTx: number;
  txShare: number;
  txFromRx: number;
  extra: Record<string, string | undefined>;
}

const NO_TRAFFIC = { rxShare: 0, rxFromTx: 0, txShare: 0, txFromRx: 0 };

function hexId(n: number): string {
  return `*${n.toString(16).toUpperCase()}`;
}

/** ether1 (WAN), the LAN ports, bridge, lo and, with PPPoE, pppoe-out1. */
export function buildPorts(board: Board, index: number, pppoe: boolean, sfp: readonly string[] = [], vlans = 0): Port[] {
  const mac = (n: number) =>
    ['4C', '5E', '0C', (index >> 8) & 0xff, index & 0xff, n].map((v) => (typeof v === 'string' ? v : v.toString(16).padStart(2, '0').toUpperCase())).join(':');
  const ether = (n: number, running: boolean, shares: Partial<Port>, extra: Record<string, string> = {}): Port => ({
    id: hexId(n),
    name: `ether${n}`,
    type: 'ether',
    running,
    ...NO_TRAFFIC,
    ...shares,
    extra: { 'default-name': `ether${n}`, 'mac-address': mac(n), 'last-link-up-time': running ? '2025-11-30 09:12:44' : undefined, ...extra },
  });
  // The WAN port carries everything; under PPPoE it carries the session plus its framing.
  const ports: Port[] = [ether(1, true, { rxShare: pppoe ? 1.012 : 1, txShare: pppoe ? 1.015 : 1 })];
  for (let n = 2; n <= 1 + board.lanPorts; n++) {
    const running = n <= 3 || n % 3 === 0;
    const share = n === 2 ? 0.55 : n === 3 ? 0.3 : 0.05;
    ports.push(ether(n, running, { rxFromTx: share, txFromRx: share * 0.98 }, board.boardName === 'CHR' ? {} : { slave: 'true' }));
  }
  for (const name of sfp) {
    const n = ports.length + 1;
    ports.push({ id: hexId(n), name, type: 'ether', running: true, ...NO_TRAFFIC, extra: { 'default-name': name, 'mac-address': mac(n) } });
  }
  const next = ports.length + 1;
  ports.push({ id: hexId(next), name: 'bridge', type: 'bridge', running: true, ...NO_TRAFFIC, rxFromTx: 1.01, txFromRx: 0.99, extra: { 'mac-address': mac(0) } });
  ports.push({ id: hexId(next + 1), name: 'lo', type: 'loopback', running: true, ...NO_TRAFFIC, extra: { 'mac-address': '00:00:00:00:00:00' } });
  if (pppoe) ports.push({ id: hexId(next + 2), name: 'pppoe-out1', type: 'pppoe-out', running: true, ...NO_TRAFFIC, rxShare: 1, txShare: 1, extra: {} });
  const base = ports.length + 16;
  for (let v = 0; v < vlans; v++) {
    ports.push({ id: hexId(base + v), name: `vlan${100 + v}`, type: 'vlan', running: v % 5 !== 4, ...NO_TRAFFIC, extra: { 'mac-address': mac(0) } });
  }
  return ports;
}

/** `GET /interface`, given the WAN byte counters. */
export function interfaceRecords(ports: readonly Port[], wanRx: number, wanTx: number): RosRecord[] {
  return ports.map((p) => {
    const rx = p.running ? Math.floor(p.rxShare * wanRx + p.rxFromTx * wanTx) : 0;
    const tx = p.running ? Math.floor(p.txShare * wanTx + p.txFromRx * wanRx) : 0;
    const mtu = p.type === 'pppoe-out' ? 1492 : 1500;
    return sortedRecord({
      '.id': p.id,
      'actual-mtu': mtu,
      disabled: 'false',
      'link-downs': 0,
      mtu,
      name: p.name,
      running: p.running,
      'rx-byte': rx,
      'rx-drop': 0,
      'rx-error': 0,
      'rx-packet': Math.floor(rx / 870),
      'tx-byte': tx,
      'tx-drop': 0,
      'tx-error': 0,
      'tx-packet': Math.floor(tx / 610),
      'tx-queue-drop': 0,
      type: p.type,
      ...p.extra,
    });
  });
}

/** `/interface/monitor-traffic … once` for the named ports, or the first unknown name. */
export function monitorRecords(ports: readonly Port[], names: readonly string[], rxBps: number, txBps: number): RosRecord[] | string {
  const out: RosRecord[] = [];
  for (const name of names) {
    const p = ports.find((q) => q.name === name);
    if (!p) return name;
    const rx = p.running ? Math.round(p.rxShare * rxBps + p.rxFromTx * txBps) : 0;
    const tx = p.running ? Math.round(p.txShare * txBps + p.txFromRx * rxBps) : 0;
    out.push(
      sortedRecord({
        'fp-rx-bits-per-second': 0,
        'fp-rx-packets-per-second': 0,
        'fp-tx-bits-per-second': 0,
        'fp-tx-packets-per-second': 0,
        name,
        'rx-bits-per-second': rx,
        'rx-drops-per-second': 0,
        'rx-errors-per-second': 0,
        'rx-packets-per-second': Math.round(rx / 8 / 870),
        'tx-bits-per-second': tx,
        'tx-drops-per-second': 0,
        'tx-errors-per-second': 0,
        'tx-packets-per-second': Math.round(tx / 8 / 610),
      }),
    );
  }
  return out;
}
