/**
 * This replica's part in the cluster, as the `cluster` block of `/status` and the
 * `tikprobe_cluster_*` families of `/metrics`: its member id, the live members it sees, the
 * buckets and routers it holds, recent handover events and their totals, state writes by
 * result, and whether its fencing lets it act. Pure: reads the views it is given.
 */
import type { MetricFamily, ScalarFamily } from '../metric-family.js';
import type { StatusSection } from '../status-section.js';
import type { ClusterView } from './backend.js';
import type { HandoverEvent } from './coordinator.js';

/** The most router names and member ids listed in /status (the counts are always whole). */
export const MAX_LISTED = 1000;

const KINDS: readonly HandoverEvent['kind'][] = ['acquired', 'released', 'lost'];

/** `routers`: the names of the routers this replica runs now. */
export function clusterSection(view: () => ClusterView, routers: () => readonly string[]): StatusSection {
  return {
    name: 'cluster',
    status: () => clusterStatus(view(), routers()),
    metrics: () => clusterFamilies(view(), routers().length),
  };
}

function listed(names: readonly string[]): { count: number; names: string[]; truncated: boolean } {
  const sorted = [...names].sort();
  return { count: sorted.length, names: sorted.slice(0, MAX_LISTED), truncated: sorted.length > MAX_LISTED };
}

export function clusterStatus(v: ClusterView, routers: readonly string[]) {
  return {
    memberId: v.memberId,
    members: listed(v.members),
    buckets: v.buckets,
    routers: listed(routers),
    handovers: { recent: v.events.map((e) => ({ ...e })), totals: v.totals },
    stateWrites: { ok: v.stateWrites, refused: v.stateWritesRefused },
    fencing: v.fencing,
  };
}

function gauge(name: string, help: string, value: number, labels: Record<string, string> = {}): ScalarFamily {
  return { name, help, type: 'gauge', samples: [{ labels, value }] };
}

export function clusterFamilies(v: ClusterView, routers: number): MetricFamily[] {
  const lastBeat = v.fencing.lastHeartbeatAt;
  return [
    gauge('tikprobe_cluster_member_info', 'This replica in the cluster: its member id (always 1).', 1, { member: v.memberId }),
    gauge('tikprobe_cluster_members', 'Live cluster members this replica sees, itself included.', v.members.length),
    gauge('tikprobe_cluster_buckets', 'Buckets (of 1024) this replica holds.', v.buckets),
    gauge('tikprobe_cluster_routers', 'Routers this replica polls and reports.', routers),
    gauge('tikprobe_cluster_session_up', '1 while the cluster session is up and its heartbeat on time (this replica may act on its buckets), else 0.', v.fencing.session === 'ok' ? 1 : 0),
    ...(lastBeat === undefined ? [] : [gauge('tikprobe_cluster_last_heartbeat_timestamp_seconds', 'When this replica last heartbeat successfully (Unix time).', lastBeat / 1000)]),
    {
      name: 'tikprobe_cluster_handover_events_total',
      help: 'Handover events of this replica by kind: buckets acquired, released (planned), lost (session failed).',
      type: 'counter',
      samples: KINDS.map((kind) => ({ labels: { kind }, value: v.totals[kind].events })),
    },
    {
      name: 'tikprobe_cluster_handover_buckets_total',
      help: 'Buckets moved by this replica’s handover events, by kind.',
      type: 'counter',
      samples: KINDS.map((kind) => ({ labels: { kind }, value: v.totals[kind].buckets })),
    },
    {
      name: 'tikprobe_cluster_state_writes_total',
      help: 'Router state writes to the database by result: ok, or refused by fencing (the state is dropped).',
      type: 'counter',
      samples: [
        { labels: { result: 'ok' }, value: v.stateWrites },
        { labels: { result: 'refused' }, value: v.stateWritesRefused },
      ],
    },
  ];
}
