/**
 * The routers' own numbers as Prometheus families, read from the bridge's views at scrape
 * time. One label, `router` (plus `protocol` for per-protocol connections), so a fleet of hundreds stays a
 * small, stable series set. A router whose last poll failed exports no numbers, only
 * `tikprobe_router_up 0`: a stale value would look current to an alert. Pure.
 */
import type { RouterView } from '../router-view.js';
import type { MetricFamily, Sample, ScalarFamily } from './prom-text.js';

type Reading = (view: RouterView & { lastSample: NonNullable<RouterView['lastSample']> }) => Sample[];

interface RouterGauge {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  read: Reading;
}

const one = (router: string, value: number): Sample[] => [{ labels: { router }, value }];

const ROUTER_GAUGES: readonly RouterGauge[] = [
  {
    name: 'tikprobe_router_cpu_load_ratio',
    help: 'CPU load of the router (0-1), from /system/resource cpu-load.',
    type: 'gauge',
    read: (v) => one(v.name, v.lastSample.resource.cpuLoadPercent / 100),
  },
  { name: 'tikprobe_router_cpu_cores', help: 'CPU cores of the router.', type: 'gauge', read: (v) => one(v.name, v.lastSample.resource.cpuCount) },
  {
    name: 'tikprobe_router_memory_total_bytes',
    help: 'Total memory of the router.',
    type: 'gauge',
    read: (v) => one(v.name, v.lastSample.resource.totalMemoryBytes),
  },
  {
    name: 'tikprobe_router_memory_free_bytes',
    help: 'Free memory of the router.',
    type: 'gauge',
    read: (v) => one(v.name, v.lastSample.resource.freeMemoryBytes),
  },
  {
    name: 'tikprobe_router_disk_total_bytes',
    help: 'Total disk (flash) space of the router.',
    type: 'gauge',
    read: (v) => one(v.name, v.lastSample.resource.totalHddBytes),
  },
  {
    name: 'tikprobe_router_disk_free_bytes',
    help: 'Free disk (flash) space of the router.',
    type: 'gauge',
    read: (v) => one(v.name, v.lastSample.resource.freeHddBytes),
  },
  { name: 'tikprobe_router_uptime_seconds', help: 'Uptime of the router.', type: 'gauge', read: (v) => one(v.name, v.lastSample.resource.uptimeS) },
  {
    name: 'tikprobe_router_transmit_bytes_total',
    help: 'Bytes transmitted on the traffic interfaces in the current accounting period (tikprobe totals; survive router reboots, restart at traffic.resetDay).',
    type: 'counter',
    read: (v) => one(v.name, v.lastSample.traffic.totalUpBytes),
  },
  {
    name: 'tikprobe_router_receive_bytes_total',
    help: 'Bytes received on the traffic interfaces in the current accounting period (tikprobe totals; survive router reboots, restart at traffic.resetDay).',
    type: 'counter',
    read: (v) => one(v.name, v.lastSample.traffic.totalDownBytes),
  },
  {
    name: 'tikprobe_router_transmit_bytes_per_second',
    help: 'Transmit rate on the traffic interfaces over the last poll interval.',
    type: 'gauge',
    read: (v) => one(v.name, v.lastSample.traffic.upBps),
  },
  {
    name: 'tikprobe_router_receive_bytes_per_second',
    help: 'Receive rate on the traffic interfaces over the last poll interval.',
    type: 'gauge',
    read: (v) => one(v.name, v.lastSample.traffic.downBps),
  },
  {
    name: 'tikprobe_router_connections',
    help: 'Tracked connections on the router by protocol (tcp, udp), when the router can count them per protocol.',
    type: 'gauge',
    read: (v) => {
      const c = v.lastSample.connections;
      if (!c || c.source === 'tracking-total') return [];
      return [
        { labels: { router: v.name, protocol: 'tcp' }, value: c.tcp },
        { labels: { router: v.name, protocol: 'udp' }, value: c.udp },
      ];
    },
  },
  {
    name: 'tikprobe_router_connection_tracking_entries',
    help: 'Entries of the whole connection-tracking table, when the router can count only the whole table (not per protocol).',
    type: 'gauge',
    read: (v) => {
      const c = v.lastSample.connections;
      return c?.source === 'tracking-total' ? one(v.name, c.tcp) : [];
    },
  },
];

/** Per-router families from the views: state, last success, degraded collectors, and the numbers of routers that are up. */
export function routerFamilies(views: readonly RouterView[]): MetricFamily[] {
  const up: Sample[] = [];
  const lastSuccess: Sample[] = [];
  const pollSeconds: Sample[] = [];
  const degraded: Sample[] = [];
  const info: Sample[] = [];
  for (const v of views) {
    up.push({ labels: { router: v.name }, value: v.state === 'up' ? 1 : 0 });
    if (v.lastSuccessAt !== undefined) lastSuccess.push({ labels: { router: v.name }, value: v.lastSuccessAt / 1000 });
    if (v.lastPollMs !== undefined) pollSeconds.push({ labels: { router: v.name }, value: v.lastPollMs / 1000 });
    for (const c of v.degraded) degraded.push({ labels: { router: v.name, collector: c }, value: 1 });
    if (v.lastSample) {
      const s = v.lastSample;
      info.push({
        labels: { router: v.name, version: s.resource.version, board: s.resource.boardName, architecture: s.resource.architecture },
        value: 1,
      });
    }
  }
  const families: ScalarFamily[] = [
    { name: 'tikprobe_router_up', help: '1 when the last poll of the router succeeded, else 0.', type: 'gauge', samples: up },
    {
      name: 'tikprobe_router_last_success_timestamp_seconds',
      help: 'Unix time of the last successful poll of the router.',
      type: 'gauge',
      samples: lastSuccess,
    },
    { name: 'tikprobe_router_last_poll_duration_seconds', help: 'Duration of the last poll of the router.', type: 'gauge', samples: pollSeconds },
    {
      name: 'tikprobe_router_collector_degraded',
      help: 'Collectors of the router that are disabled or failing while the router still reports (1 per degraded collector).',
      type: 'gauge',
      samples: degraded,
    },
    { name: 'tikprobe_router_info', help: 'RouterOS version, board and architecture of the router (always 1).', type: 'gauge', samples: info },
  ];
  const live = views.filter((v): v is Parameters<Reading>[0] => v.state === 'up' && v.lastSample !== undefined);
  for (const g of ROUTER_GAUGES) {
    families.push({ name: g.name, help: g.help, type: g.type, samples: live.flatMap((v) => g.read(v)) });
  }
  return families;
}
