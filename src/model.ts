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
}
