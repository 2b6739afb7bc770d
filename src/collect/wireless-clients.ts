/**
 * Wireless clients from the registration table of whichever package the router has: `wifi`
 * (7.13+, also wifiwave2 renamed) or the legacy `wireless`. The count comes from `count-only`
 * (500 clients cost one short reply); the per-client signal list is read only while the count
 * is at most `listLimit`, with a `.proplist` of three fields.
 */
import type { WirelessClient, WirelessPackage, WirelessReading } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { isAbsent, measured, recordsOf, text } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { WirelessClient, WirelessPackage, WirelessReading };

export const WIRELESS_MENUS: Readonly<Record<WirelessPackage, string>> = {
  wifi: 'interface/wifi/registration-table',
  wireless: 'interface/wireless/registration-table',
};
const SIGNAL_FIELD: Readonly<Record<WirelessPackage, string>> = { wifi: 'signal', wireless: 'signal-strength' };

/** Parses a registration table: `signal` "-58" (wifi) or `signal-strength` "-63@1Mbps" (wireless). */
export function parseRegistrationTable(reply: unknown, pkg: WirelessPackage, max: number): WirelessClient[] {
  return recordsOf(reply, max).map((rec) => {
    const client: WirelessClient = { interface: text(rec, 'interface') ?? '' };
    const m = measured(text(rec, SIGNAL_FIELD[pkg], 32));
    if (m !== undefined && (m.unit === 'dbm' || m.unit === '')) client.signalDbm = m.value;
    return client;
  });
}

/** Which package answers, `wifi` first; undefined when neither menu exists. */
export async function probeWirelessPackage(rest: RouterRest, signal: CancelSignal): Promise<WirelessPackage | undefined> {
  for (const pkg of ['wifi', 'wireless'] as const) {
    try {
      await rest.post(`${WIRELESS_MENUS[pkg]}/print`, { 'count-only': '' }, { signal });
      return pkg;
    } catch (err) {
      if (!isAbsent(err)) throw err;
    }
  }
  return undefined;
}

export async function collectWirelessClients(
  rest: RouterRest,
  pkg: WirelessPackage,
  listLimit: number,
  signal: CancelSignal,
): Promise<WirelessReading> {
  const menu = WIRELESS_MENUS[pkg];
  const [rec] = recordsOf(await rest.post(`${menu}/print`, { 'count-only': '' }, { signal }), 1);
  const clients = rec === undefined ? Number.NaN : Number(text(rec, 'ret', 16));
  if (!Number.isSafeInteger(clients)) throw new Error(`/${menu} count-only reply has no "ret" count`);
  if (clients === 0 || clients > listLimit) return { package: pkg, clients, signals: [] };
  const rows = await rest.get(menu, { signal, proplist: ['interface', SIGNAL_FIELD[pkg]] });
  return { package: pkg, clients, signals: parseRegistrationTable(rows, pkg, listLimit) };
}
