/**
 * The legacy Nezha v0 read API's shapes (`/api/v1/server/list`, `…/details`,
 * `/api/v1/monitor/{id}`), built from tikprobe's router views. Pure.
 *
 * Field names and types follow the v0 dashboard exactly, capitalised Go names inside `host`
 * and `status` included, so scripts written for it read tikprobe's fleet unchanged. A router
 * never polled since start has zero values, `null` arrays and Go's zero time (-62135596800)
 * as `last_active`, as a v0 server not seen since the dashboard started.
 */
import { createHash } from 'node:crypto';
import type { RouterView } from '../../router-view.js';
import type { MonitorSeries } from './history.js';
import { toNezhaHost, toNezhaState } from './payload.js';

/** Go's zero `time.Time` as Unix seconds. */
export const GO_ZERO_TIME = -62135596800;

export interface V0ServerInfo {
  id: number;
  name: string;
  tag: string;
  last_active: number;
  ipv4: string;
  ipv6: string;
  valid_ip: string;
  display_index: number;
  hide_for_guest: boolean;
}

export interface V0Host {
  Platform: string;
  PlatformVersion: string;
  CPU: string[] | null;
  MemTotal: number;
  DiskTotal: number;
  SwapTotal: number;
  Arch: string;
  Virtualization: string;
  BootTime: number;
  CountryCode: string;
  Version: string;
  GPU: string[] | null;
}

export interface V0Status {
  CPU: number;
  MemUsed: number;
  SwapUsed: number;
  DiskUsed: number;
  NetInTransfer: number;
  NetOutTransfer: number;
  NetInSpeed: number;
  NetOutSpeed: number;
  Uptime: number;
  Load1: number;
  Load5: number;
  Load15: number;
  TcpConnCount: number;
  UdpConnCount: number;
  ProcessCount: number;
  Temperatures: { Name: string; Temperature: number }[] | null;
  GPU: number;
}

export interface V0ServerDetails extends V0ServerInfo {
  host: V0Host;
  status: V0Status;
}

export interface V0Monitor {
  monitor_id: number;
  server_id: number;
  monitor_name: string;
  server_name: string;
  created_at: number[];
  avg_delay: number[];
}

/** A router as the v0 API sees it: its view, its configured tag. */
export interface V0Router {
  view: RouterView;
  tag: string | undefined;
}

function hashId(name: string, salt: number): number {
  const digest = createHash('sha1').update(`${salt}:${name}`).digest();
  // 31 bits: a positive int32 every client language reads as a plain integer.
  return (digest.readUInt32BE(0) & 0x7fffffff) || 1;
}

/**
 * Stable numeric ids: a hash of the router name, so a router keeps its id across restarts
 * and whatever the order of the config. On the (rare) collision, routers are taken in name
 * order and the later one rehashes, so the outcome is still the same on every start.
 */
export function routerIds(names: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  const taken = new Set<number>();
  for (const name of [...names].sort()) {
    let salt = 0;
    let id = hashId(name, salt);
    while (taken.has(id)) id = hashId(name, ++salt);
    taken.add(id);
    ids.set(name, id);
  }
  return ids;
}

export function toV0ServerInfo(router: V0Router, id: number): V0ServerInfo {
  const { view } = router;
  const ipv4 = view.lastSample?.info.publicIpv4 ?? '';
  const ipv6 = view.lastSample?.info.publicIpv6 ?? '';
  return {
    id,
    name: view.name,
    tag: router.tag ?? '',
    last_active: view.lastSuccessAt === undefined ? GO_ZERO_TIME : Math.floor(view.lastSuccessAt / 1000),
    ipv4,
    ipv6,
    valid_ip: ipv4 !== '' ? ipv4 : ipv6,
    display_index: 0,
    hide_for_guest: false,
  };
}

export function toV0Details(router: V0Router, id: number, version: string): V0ServerDetails {
  return { ...toV0ServerInfo(router, id), host: v0Host(router.view, version), status: v0Status(router.view) };
}

/** The Host and State tikprobe reports to Nezha, under the v0 names. */
function v0Host(view: RouterView, version: string): V0Host {
  const s = view.lastSample;
  if (s === undefined) {
    return {
      Platform: '', PlatformVersion: '', CPU: null, MemTotal: 0, DiskTotal: 0, SwapTotal: 0, Arch: '',
      Virtualization: '', BootTime: 0, CountryCode: '', Version: '', GPU: null,
    };
  }
  const h = toNezhaHost(s, s.takenAt / 1000 - s.resource.uptimeS, version);
  return {
    Platform: h.platform,
    PlatformVersion: h.platform_version,
    CPU: h.cpu,
    MemTotal: h.mem_total,
    DiskTotal: h.disk_total,
    SwapTotal: h.swap_total,
    Arch: h.arch,
    Virtualization: h.virtualization,
    BootTime: h.boot_time,
    CountryCode: '',
    Version: h.version,
    GPU: null,
  };
}

function v0Status(view: RouterView): V0Status {
  const st = view.lastSample === undefined ? undefined : toNezhaState(view.lastSample, []);
  return {
    CPU: st?.cpu ?? 0,
    MemUsed: st?.mem_used ?? 0,
    SwapUsed: 0,
    DiskUsed: st?.disk_used ?? 0,
    NetInTransfer: st?.net_in_transfer ?? 0,
    NetOutTransfer: st?.net_out_transfer ?? 0,
    NetInSpeed: st?.net_in_speed ?? 0,
    NetOutSpeed: st?.net_out_speed ?? 0,
    Uptime: st?.uptime ?? 0,
    Load1: 0,
    Load5: 0,
    Load15: 0,
    TcpConnCount: st?.tcp_conn_count ?? 0,
    UdpConnCount: st?.udp_conn_count ?? 0,
    ProcessCount: 0,
    Temperatures: null,
    GPU: 0,
  };
}

export function toV0Monitors(series: readonly MonitorSeries[], serverId: number, serverName: string): V0Monitor[] | null {
  if (series.length === 0) return null;
  return series.map((m) => ({
    monitor_id: m.monitorId,
    server_id: serverId,
    monitor_name: m.monitorName,
    server_name: serverName,
    created_at: [...m.createdAt],
    avg_delay: [...m.avgDelay],
  }));
}
