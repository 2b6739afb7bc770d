/**
 * One run of each extended collector: the request(s) and the parse, with what a run needs from
 * earlier runs (the ethernet port names, the wireless package). No scheduling, no state kept.
 */
import type { CollectorsConfig } from '../config/schema.js';
import type { ExtendedReading } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { collectDhcpLeases, type DhcpMemory } from './dhcp-leases.js';
import { collectEthernetMonitor } from './ethernet-monitor.js';
import { collectHealthReading } from './health.js';
import { collectInterfaceStats } from './interface-stats.js';
import { collectPackageUpdate } from './package-update.js';
import type { ExtendedCollector } from './plan.js';

export type { ExtendedReading };
import { collectPppActive } from './ppp-active.js';
import { recordsOf, text } from './ros-values.js';
import { collectWireguardPeers } from './wireguard-peers.js';
import { collectWirelessClients, probeWirelessPackage, type WirelessPackage } from './wireless-clients.js';
import type { CancelSignal } from '../time/cancel.js';

/** What runs carry between each other. */
export interface RunMemory {
  wirelessPackage?: WirelessPackage;
  /** The DHCP server list and where the count rotation stands. */
  dhcp?: DhcpMemory;
}

async function etherPorts(rest: RouterRest, reading: ExtendedReading, signal: CancelSignal): Promise<string[]> {
  const known = reading.interfaces?.interfaces.filter((i) => i.type === 'ether').map((i) => i.name);
  if (known !== undefined) return known;
  const rows = recordsOf(await rest.get('interface/ethernet', { signal, proplist: ['name'] }), 256);
  return rows.map((r) => text(r, 'name')).filter((n): n is string => n !== undefined);
}

/** Runs one collector and stores its result in `reading`; throws what the router answered. */
export async function runCollector(
  name: ExtendedCollector,
  rest: RouterRest,
  config: CollectorsConfig,
  reading: ExtendedReading,
  memory: RunMemory,
  signal: CancelSignal,
  now: number,
): Promise<void> {
  switch (name) {
    case 'interfaces':
      reading.interfaces = await collectInterfaceStats(rest, config.interfaceLimit, signal);
      return;
    case 'health':
      reading.health = await collectHealthReading(rest, signal);
      return;
    case 'ethernet':
      reading.ethernet = await collectEthernetMonitor(rest, await etherPorts(rest, reading, signal), signal);
      return;
    case 'ppp':
      reading.ppp = await collectPppActive(rest, signal);
      return;
    case 'dhcp': {
      const run = await collectDhcpLeases(rest, { reading: reading.dhcp, memory: memory.dhcp }, config.dhcpServerLimit, now, signal);
      memory.dhcp = run.memory;
      if (run.reading !== undefined) reading.dhcp = run.reading;
      return;
    }
    case 'wireless':
      await runWireless(rest, config, reading, memory, signal);
      return;
    case 'wireguard':
      reading.wireguard = await collectWireguardPeers(rest, signal);
      return;
    case 'updates':
      reading.updates = await collectPackageUpdate(rest, signal);
      return;
  }
}

/** The first run finds the package (its probe is a count request); later runs read clients. */
async function runWireless(
  rest: RouterRest,
  config: CollectorsConfig,
  reading: ExtendedReading,
  memory: RunMemory,
  signal: CancelSignal,
): Promise<void> {
  if (memory.wirelessPackage === undefined) {
    const pkg = await probeWirelessPackage(rest, signal);
    if (pkg === undefined) throw new NoWirelessPackage();
    memory.wirelessPackage = pkg;
    return;
  }
  reading.wireless = await collectWirelessClients(rest, memory.wirelessPackage, config.wirelessListLimit, signal);
}

/** Neither the wifi nor the wireless package is installed. */
export class NoWirelessPackage extends Error {
  constructor() {
    super('neither /interface/wifi nor /interface/wireless exists on this router');
  }
}
