/**
 * Maps router samples onto Nezha's Host, State and GeoIP messages. Pure.
 *
 * Nezha's fields are unsigned integers on the wire: every figure is rounded and clamped at
 * 0, so a transient negative (free > total) never wraps to 2^64. RouterOS has no swap, no
 * processes and no load average: those are 0, never invented.
 */
import type { HealthSensor, RouterInfo, RouterSample } from '../../model.js';
import type { NezhaGeoIp, NezhaHost, NezhaState, NezhaTemperature } from './proto.js';

function uint(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return 0;
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.round(value)));
}

/** `ARM64 4 cores 1200MHz (hAP ax^2)`: Nezha shows the first entry as the CPU model. */
export function cpuLine(sample: RouterSample): string {
  const r = sample.resource;
  const parts = [r.cpu.trim() || 'CPU', `${uint(r.cpuCount)} cores`];
  if (r.cpuFrequencyMhz !== undefined && r.cpuFrequencyMhz > 0) parts.push(`${uint(r.cpuFrequencyMhz)}MHz`);
  const board = r.boardName.trim();
  return board === '' ? parts.join(' ') : `${parts.join(' ')} (${board})`;
}

/** Nezha's virtualization column: "CHR" on Cloud Hosted Router, empty on hardware. */
function virtualizationOf(info: RouterInfo): string {
  return info.virtualization === 'CHR' || info.boardName === 'CHR' ? 'CHR' : '';
}

export function toNezhaHost(sample: RouterSample, bootTimeS: number, tikprobeVersion: string): NezhaHost {
  const { info, resource } = sample;
  return {
    platform: 'RouterOS',
    platform_version: (info.version || resource.version).trim(),
    cpu: [cpuLine(sample)],
    mem_total: uint(resource.totalMemoryBytes),
    disk_total: uint(resource.totalHddBytes),
    swap_total: 0,
    arch: info.architecture || resource.architecture,
    virtualization: virtualizationOf(info),
    boot_time: uint(bootTimeS),
    version: `tikprobe ${tikprobeVersion}`,
    gpu: [],
  };
}

/** A stable text of the Host, for "did it change" checks. */
export function hostKey(host: NezhaHost): string {
  return JSON.stringify([host.platform_version, host.cpu, host.mem_total, host.disk_total, host.arch, host.virtualization, host.boot_time, host.version]);
}

export function toNezhaState(sample: RouterSample, temperatures: readonly NezhaTemperature[]): NezhaState {
  const r = sample.resource;
  const t = sample.traffic;
  const c = sample.connections;
  return {
    cpu: Number.isFinite(r.cpuLoadPercent) ? Math.min(100, Math.max(0, r.cpuLoadPercent)) : 0,
    mem_used: uint(r.totalMemoryBytes - r.freeMemoryBytes),
    swap_used: 0,
    disk_used: uint(r.totalHddBytes - r.freeHddBytes),
    // tikprobe's own totals: they never decrease within an accounting period, so Nezha's
    // hourly transfer records are not cut by an interface that was re-created.
    net_in_transfer: uint(t.totalDownBytes),
    net_out_transfer: uint(t.totalUpBytes),
    net_in_speed: uint(t.downBps),
    net_out_speed: uint(t.upBps),
    uptime: uint(r.uptimeS),
    load1: 0,
    load5: 0,
    load15: 0,
    // A router that can only count its whole table reports that total as TCP (as for Komari).
    tcp_conn_count: c === undefined ? 0 : uint(c.tcp),
    udp_conn_count: c === undefined || c.source === 'tracking-total' ? 0 : uint(c.udp),
    process_count: 0,
    temperatures: temperatures.map((x) => ({ name: x.name, temperature: x.temperature })),
    gpu: [],
  };
}

/** The GeoIP report for the router's public addresses, or undefined when none is known (never the bridge's). */
export function toNezhaGeoIp(info: RouterInfo): NezhaGeoIp | undefined {
  const ipv4 = info.publicIpv4 ?? '';
  const ipv6 = info.publicIpv6 ?? '';
  if (ipv4 === '' && ipv6 === '') return undefined;
  return { use6: ipv4 === '' && ipv6 !== '', ip: { ipv4, ipv6 }, country_code: '', dashboard_boot_time: 0 };
}

export function geoIpKey(geo: NezhaGeoIp | undefined): string {
  return geo === undefined ? '' : `${geo.ip?.ipv4 ?? ''}|${geo.ip?.ipv6 ?? ''}`;
}

/** The sensors in °C as Nezha temperatures (RouterOS names the unit "C"). */
export function temperaturesOf(sensors: readonly HealthSensor[]): NezhaTemperature[] {
  return sensors.filter((s) => s.unit === 'C').map((s) => ({ name: s.name, temperature: s.value }));
}

/**
 * The router's boot time in Unix seconds, held steady. Nezha reads a larger boot_time as a
 * reboot (it closes the transfer period) and ignores a Host with a smaller one, so the value
 * must not move by a second between reports. It is computed once as `now − uptime` and
 * recomputed only when the router really rebooted: its uptime went down, or (for a value
 * restored from an earlier run) the estimate differs by more than a minute.
 */
export class BootTime {
  private held: number | undefined;
  private lastUptimeS: number | undefined;

  constructor(restored?: number) {
    this.held = restored;
  }

  /** The boot time for a sample with `uptimeS` taken at `takenAtMs`. */
  update(uptimeS: number, takenAtMs: number): number {
    const estimate = Math.max(0, Math.round(takenAtMs / 1000 - uptimeS));
    const rebooted = this.lastUptimeS !== undefined && uptimeS < this.lastUptimeS;
    const restoredAndWrong = this.lastUptimeS === undefined && this.held !== undefined && Math.abs(estimate - this.held) > RESTORE_TOLERANCE_S;
    if (this.held === undefined || rebooted || restoredAndWrong) this.held = estimate;
    this.lastUptimeS = uptimeS;
    return this.held;
  }

  get value(): number | undefined {
    return this.held;
  }
}

const RESTORE_TOLERANCE_S = 60;
