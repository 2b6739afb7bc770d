/**
 * The data that flows from collectors through accounting to sinks. Pure types.
 * Units are in the names or documented: bytes, seconds, percent, milliseconds.
 */

/** `/system/resource`, parsed. */
export interface Resource {
  uptimeS: number;
  /** e.g. "7.20.5 (stable)" as the router sends it. */
  version: string;
  cpuLoadPercent: number;
  cpuCount: number;
  cpuFrequencyMhz: number | undefined;
  /** e.g. "ARM64", "tilegx". */
  cpu: string;
  /** e.g. "arm64", "x86_64", "tile". */
  architecture: string;
  /** e.g. "hAP ax^2", "CHR". */
  boardName: string;
  totalMemoryBytes: number;
  freeMemoryBytes: number;
  totalHddBytes: number;
  freeHddBytes: number;
}

/** `/system/routerboard`, parsed; most fields are absent on CHR. */
export interface Routerboard {
  routerboard: boolean;
  model: string | undefined;
  firmware: string | undefined;
}

/** One interface's byte counters from `GET /rest/interface`. 64-bit, hence bigint. */
export interface InterfaceCounter {
  /** RouterOS `.id` such as "*1"; a recreated interface (PPPoE session) gets a new one. */
  id: string;
  name: string;
  rxBytes: bigint;
  txBytes: bigint;
}

export interface ConnectionCounts {
  tcp: number;
  udp: number;
  /**
   * count-only: exact per-protocol counts; tracking-total: the router could not count per
   * protocol, so `tcp` holds the combined total of the tracking table and `udp` is 0.
   */
  source: 'count-only' | 'tracking-total';
}

/** Static facts about a router, refreshed at `intervals.basicInfo`. */
export interface RouterInfo {
  identity: string;
  boardName: string;
  model: string | undefined;
  version: string;
  architecture: string;
  cpu: string;
  cpuCount: number;
  totalMemoryBytes: number;
  totalHddBytes: number;
  /** "CHR" on Cloud Hosted Router, otherwise "None". */
  virtualization: string;
  publicIpv4: string | undefined;
  publicIpv6: string | undefined;
  /** `publicIp: auto` found no public address: the router cannot tell it (said on the dashboard). */
  publicIpUnknown?: boolean;
  /**
   * What identifies the device itself (not its address): the RouterBOARD serial number, or
   * the license software-id on CHR/x86. Undefined until read (see collect/device.ts).
   */
  deviceId?: string;
}

/** Rates and tikprobe's own monotonic totals for one router. */
export interface TrafficReading {
  /** Transmit rate, bytes per second, integer. */
  upBps: number;
  /** Receive rate, bytes per second, integer. */
  downBps: number;
  /** Bytes transmitted in the current accounting period, never decreasing within it. */
  totalUpBytes: number;
  totalDownBytes: number;
}

/** One `/system/health` sensor: its value in the unit RouterOS names ("C", "V", "A", "W", "RPM", "%"). */
export interface HealthSensor {
  name: string;
  value: number;
  unit: string;
}

/** One router's numbers after one successful poll: what every integration receives. */
export interface RouterSample {
  router: string;
  /** Epoch ms when the poll finished. */
  takenAt: number;
  resource: Resource;
  traffic: TrafficReading;
  /** Undefined until the first count succeeded (or when the router cannot count). */
  connections: ConnectionCounts | undefined;
  info: RouterInfo;
  /** The last `/system/health` reading (refreshed once a minute); empty when the router has no sensors. */
  health: HealthSensor[];
  /** Collectors failing while the router still answers (`connections`, `info`, `interfaces`, `health`). */
  degraded?: string[];
  /** The extended collectors' latest reading and states when the poll finished; undefined when none is configured. */
  extended?: ExtendedView;
  /** Names of the interfaces whose counters make up `traffic` (the WAN side). */
  trafficInterfaces?: readonly string[];
}


// ---- Extended collectors (collect/extended-runner.ts): what they read, and their states ----

export type WirelessPackage = 'wifi' | 'wireless';

export interface InterfaceStats {
  name: string;
  type: string;
  running: boolean;
  disabled: boolean;
  linkDowns?: number;
  rxBytes?: number;
  txBytes?: number;
  rxPackets?: number;
  txPackets?: number;
  rxDrops?: number;
  txDrops?: number;
  rxErrors?: number;
  txErrors?: number;
}

export interface InterfaceTable {
  interfaces: InterfaceStats[];
  /** Interfaces in the reply that were not kept because of the limit. */
  truncated: number;
}

export interface SfpOptics {
  rxLoss?: boolean;
  txFault?: boolean;
  temperatureCelsius?: number;
  supplyVolts?: number;
  txBiasAmperes?: number;
  txPowerDbm?: number;
  rxPowerDbm?: number;
}

export interface EthernetLink {
  name: string;
  /** "link-ok", "no-link", …; undefined when not reported. */
  status?: string;
  /** Negotiated rate in bits per second; undefined without link or on virtual NICs. */
  rateBps?: number;
  /** Present only for ports with an SFP module. */
  sfp?: SfpOptics;
}

/** A textual health entry: `psu1-state` = "ok", `fan-state` = "fail". */
export interface HealthState {
  name: string;
  state: string;
  /** True for "ok"; false for anything else ("fail", "no-input", …). */
  ok: boolean;
}

export interface HealthReading {
  sensors: HealthSensor[];
  states: HealthState[];
}

export interface PppSessions {
  active: number;
}

/** One DHCP server's leases, counted with count-only. */
export interface DhcpServerLeases {
  server: string;
  bound: number;
  waiting: number;
  /** Epoch ms of this count (servers are counted in rotation). */
  countedAt: number;
}

/** DHCP leases router-wide and per server (collect/dhcp-leases.ts). */
export interface DhcpLeaseCounts {
  /** All servers together, leases for `server=all` included. */
  bound: number;
  waiting: number;
  /** Epoch ms of the router-wide count; undefined until the first one. */
  totalsCountedAt?: number;
  /** Per server, the first `collectors.dhcpServerLimit` enabled servers in RouterOS order. */
  servers: DhcpServerLeases[];
  /** Enabled servers beyond the limit: counted in the totals only. */
  serversNotCounted: number;
}

export interface WirelessClient {
  interface: string;
  /** dBm; undefined when not reported. */
  signalDbm?: number;
}

export interface WirelessReading {
  package: WirelessPackage;
  clients: number;
  /** Per-client signals; empty when the count exceeded the list limit. */
  signals: WirelessClient[];
}

export interface WireguardPeer {
  interface: string;
  /** The peer's name (7.15+), else its comment, else its position. */
  name: string;
  /** Seconds since the last handshake; undefined when there has been none. */
  handshakeAgeSeconds?: number;
  rxBytes?: number;
  txBytes?: number;
  disabled: boolean;
}

export interface PackageUpdate {
  channel?: string;
  installed?: string;
  latest?: string;
  /** True when a newer version is known; undefined when the router has not checked. */
  available?: boolean;
}

/** The latest result of every extended collector that has succeeded at least once. */
export interface ExtendedReading {
  interfaces?: InterfaceTable;
  health?: HealthReading;
  ethernet?: EthernetLink[];
  ppp?: PppSessions;
  dhcp?: DhcpLeaseCounts;
  wireless?: WirelessReading;
  wireguard?: WireguardPeer[];
  updates?: PackageUpdate;
}

export type ExtendedCollector = 'interfaces' | 'health' | 'ethernet' | 'ppp' | 'dhcp' | 'wireless' | 'wireguard' | 'updates';

export type CollectorState = 'disabled' | 'pending' | 'ok' | 'absent' | 'failing';

export interface CollectorStatus {
  name: ExtendedCollector;
  state: CollectorState;
  /** Epoch ms of the last success. */
  lastOkAt?: number;
  /** The last failure or absence, as the router said it (no secrets: router messages only). */
  error?: string;
  failures: number;
}

/** One router's extended collectors, as the status server, /metrics and dashboards see them. */
export interface ExtendedView {
  reading: Readonly<ExtendedReading>;
  /** Every collector's state when the view was taken (shared and frozen for a disabled one). */
  collectors: ReadonlyArray<Readonly<CollectorStatus>>;
  /** True while a run is in flight (runs never overlap). */
  running: boolean;
}
