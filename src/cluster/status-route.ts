/**
 * This replica's part in the cluster on the status server: `GET /cluster` (JSON: member id,
 * live members, buckets and routers held, recent handover events, state writes) and
 * `GET /cluster/metrics` (the same as Prometheus gauges and counters).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterView } from './backend.js';

export function clusterRoute(view: () => ClusterView, ownedRouters: () => string[]) {
  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (req.method !== 'GET' || (url.pathname !== '/cluster' && url.pathname !== '/cluster/metrics')) return false;
    const v = view();
    const routers = ownedRouters();
    if (url.pathname === '/cluster') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ ...v, events: v.events.slice(-20), routers: routers.length, ownedRouters: routers.slice(0, 10_000) }));
      return true;
    }
    const count = (kind: string) => v.events.filter((e) => e.kind === kind).length;
    const lines = [
      '# HELP tikprobe_cluster_members Live cluster members this replica sees.',
      '# TYPE tikprobe_cluster_members gauge',
      `tikprobe_cluster_members ${v.members.length}`,
      '# HELP tikprobe_cluster_buckets Buckets this replica holds.',
      '# TYPE tikprobe_cluster_buckets gauge',
      `tikprobe_cluster_buckets ${v.buckets}`,
      '# HELP tikprobe_cluster_routers Routers this replica owns.',
      '# TYPE tikprobe_cluster_routers gauge',
      `tikprobe_cluster_routers ${routers.length}`,
      '# HELP tikprobe_cluster_handover_events Recent handover events (last 100) by kind.',
      '# TYPE tikprobe_cluster_handover_events gauge',
      ...['acquired', 'released', 'lost'].map((k) => `tikprobe_cluster_handover_events{kind="${k}"} ${count(k)}`),
      '# HELP tikprobe_cluster_state_writes_total Router state writes to the database, by result.',
      '# TYPE tikprobe_cluster_state_writes_total counter',
      `tikprobe_cluster_state_writes_total{result="ok"} ${v.stateWrites}`,
      `tikprobe_cluster_state_writes_total{result="refused"} ${v.stateWritesRefused}`,
    ];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(`${lines.join('\n')}\n`);
    return true;
  };
}
