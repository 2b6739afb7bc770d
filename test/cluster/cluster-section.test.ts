/**
 * The cluster's block in /status and its families in /metrics, through the real status
 * server: what a replica shows of its members, buckets, routers, handovers, state writes and
 * fencing; bounded lists; Prometheus naming (our conventions and, where installed, promtool).
 */
import { spawnSync } from 'node:child_process';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStatusServer } from '../support/status-server.js';
import type { ClusterView } from '../../src/cluster/backend.js';
import { clusterSection, MAX_LISTED } from '../../src/cluster/cluster-section.js';
import type { StatusServer } from '../../src/status/start.js';
import { conventionProblems } from '../status/conventions.js';
import { parseExposition, seriesValue } from '../status/prom-parse.js';

const TOKEN = 'status-T0ken-abcdefghijkl';
const view: ClusterView = {
  memberId: 'tikprobe-0',
  members: ['tikprobe-1', 'tikprobe-0'],
  buckets: 517,
  events: [
    { at: 1, kind: 'acquired', buckets: 1024, reason: 'members: 1' },
    { at: 2, kind: 'released', buckets: 507, reason: 'rebalance' },
  ],
  totals: { acquired: { events: 3, buckets: 1100 }, released: { events: 1, buckets: 507 }, lost: { events: 0, buckets: 0 } },
  stateWrites: 42,
  stateWritesRefused: 1,
  fencing: { session: 'ok', lastHeartbeatAt: 1_780_000_000_500, heartbeatMs: 1000, deadAfterMs: 5000 },
};

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routers: readonly string[], v: ClusterView = view) {
  server = await startTestStatusServer({
    token: TOKEN,
    sections: () => [clusterSection(() => v, () => routers)],
  });
  const get = async (path: string) => {
    const res = await request(`http://${server!.address}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return res.body.text();
  };
  return { status: async () => JSON.parse(await get('/status')) as Record<string, unknown>, metrics: () => get('/metrics') };
}

describe('the cluster in /status and /metrics', () => {
  it('/status has a cluster block: member, members, buckets, routers, handovers, state writes, fencing', async () => {
    const { status } = await serve(['r2', 'r1']);
    expect((await status()).cluster).toEqual({
      memberId: 'tikprobe-0',
      members: { count: 2, names: ['tikprobe-0', 'tikprobe-1'], truncated: false },
      buckets: 517,
      routers: { count: 2, names: ['r1', 'r2'], truncated: false },
      handovers: { recent: view.events, totals: view.totals },
      stateWrites: { ok: 42, refused: 1 },
      fencing: view.fencing,
    });
  });

  it('lists at most MAX_LISTED router names, and always the whole count', async () => {
    const routers = Array.from({ length: MAX_LISTED + 500 }, (_, i) => `r${String(i).padStart(5, '0')}`);
    const { status } = await serve(routers);
    const block = (await status()).cluster as { routers: { count: number; names: string[]; truncated: boolean } };
    expect(block.routers.count).toBe(MAX_LISTED + 500);
    expect(block.routers.names).toEqual(routers.slice(0, MAX_LISTED));
    expect(block.routers.truncated).toBe(true);
  });

  it('/metrics has the cluster families, named by the Prometheus conventions', async () => {
    const { metrics } = await serve(['r1', 'r2']);
    const text = await metrics();
    const families = parseExposition(text);
    expect(seriesValue(families, 'tikprobe_cluster_member_info', { member: 'tikprobe-0' })).toBe(1);
    expect(seriesValue(families, 'tikprobe_cluster_members')).toBe(2);
    expect(seriesValue(families, 'tikprobe_cluster_buckets')).toBe(517);
    expect(seriesValue(families, 'tikprobe_cluster_routers')).toBe(2);
    expect(seriesValue(families, 'tikprobe_cluster_session_up')).toBe(1);
    expect(seriesValue(families, 'tikprobe_cluster_last_heartbeat_timestamp_seconds')).toBe(1_780_000_000.5);
    expect(seriesValue(families, 'tikprobe_cluster_handover_events_total', { kind: 'acquired' })).toBe(3);
    expect(seriesValue(families, 'tikprobe_cluster_handover_events_total', { kind: 'lost' })).toBe(0);
    expect(seriesValue(families, 'tikprobe_cluster_handover_buckets_total', { kind: 'released' })).toBe(507);
    expect(seriesValue(families, 'tikprobe_cluster_state_writes_total', { result: 'refused' })).toBe(1);
    expect(families.get('tikprobe_cluster_state_writes_total')?.type).toBe('counter');
    expect(conventionProblems(families)).toEqual([]);
    // The rest of /metrics is still there.
    expect(seriesValue(families, 'tikprobe_healthy')).toBe(1);
  });

  it('shows a replica that may not act: session late, no heartbeat yet', async () => {
    const { metrics, status } = await serve([], { ...view, buckets: 0, fencing: { ...view.fencing, session: 'late', lastHeartbeatAt: undefined } });
    const families = parseExposition(await metrics());
    expect(seriesValue(families, 'tikprobe_cluster_session_up')).toBe(0);
    expect(families.has('tikprobe_cluster_last_heartbeat_timestamp_seconds')).toBe(false);
    expect(((await status()).cluster as { fencing: { session: string } }).fencing.session).toBe('late');
  });

  const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
  const found = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
  const reason = `promtool not found (${found.error?.message ?? `exit ${found.status}`}); install Debian's prometheus package or set PROMTOOL`;
  if (found.status !== 0) console.warn(`cluster metrics: 'promtool check metrics' SKIPPED: ${reason}`);
  it.skipIf(found.status !== 0)(`passes promtool check metrics with no warning${found.status === 0 ? '' : ` (skipped: ${reason})`}`, async () => {
    const { metrics } = await serve(['r1']);
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: await metrics(), encoding: 'utf8' });
    expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });
});
