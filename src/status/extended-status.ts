/**
 * A router's `extended` block in /status: each extended collector's state (present = ok,
 * absent, failing, pending, disabled), its last successful run and last error, and the latest
 * values in a compact form (counts and summaries, not whole tables: the full interface list is
 * on /metrics). Pure.
 */
import type { CollectorState, ExtendedReading, ExtendedView } from '../model.js';

export interface CollectorStatusLine {
  name: string;
  state: CollectorState;
  lastOkAt: string | null;
  lastError: string | null;
  failures: number;
}

export interface ExtendedValues {
  interfaces?: { exported: number; notExported: number; running: number; down: string[] };
  health?: { sensors: Record<string, string>; failedStates: string[] };
  ethernet?: { name: string; status: string | null; rateBps: number | null; sfpRxPowerDbm?: number }[];
  ppp?: { active: number };
  dhcp?: { bound: number; waiting: number; servers: { server: string; bound: number; waiting: number; countedAt: string }[]; serversNotCounted: number };
  wireless?: { package: string; clients: number; weakestDbm: number | null };
  wireguard?: { peers: number; withHandshake: number; oldestHandshakeAgeSeconds: number | null };
  updates?: { channel: string | null; installed: string | null; latest: string | null; available: boolean | null };
}

export interface ExtendedStatus {
  /** True while a run is in flight. */
  running: boolean;
  collectors: CollectorStatusLine[];
  values: ExtendedValues;
}

/** Names of interfaces listed in /status as down, at most. */
const MAX_DOWN_LISTED = 16;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function unitSuffix(unit: string): string {
  if (unit === 'C') return ' °C';
  return unit === '' ? '' : ` ${unit}`;
}

function compactInterfaces(r: ExtendedReading): ExtendedValues['interfaces'] {
  const t = r.interfaces;
  if (t === undefined) return undefined;
  const live = t.interfaces.filter((i) => !i.disabled);
  const down = live.filter((i) => !i.running).map((i) => i.name);
  return { exported: t.interfaces.length, notExported: t.truncated, running: live.length - down.length, down: down.slice(0, MAX_DOWN_LISTED) };
}

function compactWireguard(r: ExtendedReading): ExtendedValues['wireguard'] {
  const peers = r.wireguard;
  if (peers === undefined) return undefined;
  const ages = peers.flatMap((p) => (p.handshakeAgeSeconds === undefined ? [] : [p.handshakeAgeSeconds]));
  return { peers: peers.length, withHandshake: ages.length, oldestHandshakeAgeSeconds: ages.length === 0 ? null : Math.max(...ages) };
}

/** The latest values of every collector that has read something, compacted. */
export function compactValues(r: Readonly<ExtendedReading>): ExtendedValues {
  const out: ExtendedValues = {};
  const interfaces = compactInterfaces(r);
  if (interfaces) out.interfaces = interfaces;
  if (r.health) {
    out.health = {
      sensors: Object.fromEntries(r.health.sensors.map((s) => [s.name, `${s.value}${unitSuffix(s.unit)}`])),
      failedStates: r.health.states.filter((s) => !s.ok).map((s) => `${s.name}=${s.state}`),
    };
  }
  if (r.ethernet) {
    out.ethernet = r.ethernet.map((l) => ({
      name: l.name,
      status: l.status ?? null,
      rateBps: l.rateBps ?? null,
      ...(l.sfp?.rxPowerDbm === undefined ? {} : { sfpRxPowerDbm: l.sfp.rxPowerDbm }),
    }));
  }
  if (r.ppp) out.ppp = { active: r.ppp.active };
  if (r.dhcp) {
    const d = r.dhcp;
    const servers = d.servers.map((s) => ({ server: s.server, bound: s.bound, waiting: s.waiting, countedAt: new Date(s.countedAt).toISOString() }));
    out.dhcp = { bound: d.bound, waiting: d.waiting, servers, serversNotCounted: d.serversNotCounted };
  }
  if (r.wireless) {
    const dbm = r.wireless.signals.flatMap((c) => (c.signalDbm === undefined ? [] : [c.signalDbm]));
    out.wireless = { package: r.wireless.package, clients: r.wireless.clients, weakestDbm: dbm.length === 0 ? null : Math.min(...dbm) };
  }
  const wireguard = compactWireguard(r);
  if (wireguard) out.wireguard = wireguard;
  if (r.updates) {
    const u = r.updates;
    out.updates = { channel: u.channel ?? null, installed: u.installed ?? null, latest: u.latest ?? null, available: u.available ?? null };
  }
  return out;
}

export function extendedStatus(view: ExtendedView): ExtendedStatus {
  return {
    running: view.running,
    collectors: view.collectors.map((c) => ({ name: c.name, state: c.state, lastOkAt: iso(c.lastOkAt), lastError: c.error ?? null, failures: c.failures })),
    values: compactValues(view.reading),
  };
}
