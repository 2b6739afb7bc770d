/**
 * Link rate and SFP optics: one `POST /interface/ethernet/monitor` with `once` for the listed
 * ethernet ports (`once` is mandatory: without it the command runs until the 60 s limit).
 * `rate` is absent without link and "" on virtual NICs; SFP values carry their unit in the
 * string ("37C", "3.297V", "6mA", "-2.384dBm") and appear only on ports with a module.
 */
import type { EthernetLink, SfpOptics } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { flag, type RosRecord, measured, recordsOf, text } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { EthernetLink, SfpOptics };

/** Ports asked per request at most (the names list is a request size). */
export const MAX_MONITORED_PORTS = 64;

export const ETHERNET_MONITOR_PROPLIST = [
  'name',
  'status',
  'rate',
  'sfp-module-present',
  'sfp-rx-loss',
  'sfp-tx-fault',
  'sfp-temperature',
  'sfp-supply-voltage',
  'sfp-tx-bias-current',
  'sfp-tx-power',
  'sfp-rx-power',
] as const;

const RATE = /^(\d+(?:\.\d+)?)(M|G)bps$/;

/** "1Gbps" → 1e9, "100Mbps" → 1e8, "2.5Gbps" → 2.5e9; undefined otherwise (including ""). */
export function parseRate(raw: string | undefined): number | undefined {
  const m = raw === undefined ? null : RATE.exec(raw);
  if (m === null) return undefined;
  return Number(m[1]) * (m[2] === 'G' ? 1e9 : 1e6);
}

function unitValue(rec: RosRecord, key: string, unit: string): number | undefined {
  const m = measured(text(rec, key, 32));
  return m !== undefined && m.unit === unit ? m.value : undefined;
}

function sfpOf(rec: RosRecord): SfpOptics | undefined {
  if (flag(rec, 'sfp-module-present') !== true && rec['sfp-temperature'] === undefined) return undefined;
  const out: SfpOptics = {};
  const set = <K extends keyof SfpOptics>(k: K, v: SfpOptics[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('rxLoss', flag(rec, 'sfp-rx-loss'));
  set('txFault', flag(rec, 'sfp-tx-fault'));
  set('temperatureCelsius', unitValue(rec, 'sfp-temperature', 'celsius'));
  set('supplyVolts', unitValue(rec, 'sfp-supply-voltage', 'volts'));
  set('txBiasAmperes', unitValue(rec, 'sfp-tx-bias-current', 'amperes'));
  set('txPowerDbm', unitValue(rec, 'sfp-tx-power', 'dbm'));
  set('rxPowerDbm', unitValue(rec, 'sfp-rx-power', 'dbm'));
  return out;
}

export function parseEthernetMonitor(reply: unknown): EthernetLink[] {
  const out: EthernetLink[] = [];
  for (const rec of recordsOf(reply, MAX_MONITORED_PORTS)) {
    const name = text(rec, 'name');
    if (name === undefined) continue;
    const link: EthernetLink = { name };
    const status = text(rec, 'status', 32);
    if (status !== undefined) link.status = status;
    const rate = parseRate(text(rec, 'rate', 16));
    if (rate !== undefined) link.rateBps = rate;
    const sfp = sfpOf(rec);
    if (sfp !== undefined) link.sfp = sfp;
    out.push(link);
  }
  return out;
}

export async function collectEthernetMonitor(rest: RouterRest, ports: readonly string[], signal: CancelSignal): Promise<EthernetLink[]> {
  const names = ports.slice(0, MAX_MONITORED_PORTS);
  if (names.length === 0) return [];
  const body = { numbers: names.join(','), once: '', '.proplist': ETHERNET_MONITOR_PROPLIST.join(',') };
  return parseEthernetMonitor(await rest.post('interface/ethernet/monitor', body, { signal }));
}
