import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterView } from '../../src/cluster/backend.js';
import { clusterRoute } from '../../src/cluster/status-route.js';

const view: ClusterView = {
  memberId: 'tikprobe-0',
  members: ['tikprobe-0', 'tikprobe-1'],
  buckets: 517,
  events: [
    { at: 1, kind: 'acquired', buckets: 1024, reason: 'members: 1' },
    { at: 2, kind: 'released', buckets: 507, reason: 'rebalance' },
  ],
  stateWrites: 42,
  stateWritesRefused: 1,
};
const route = clusterRoute(() => view, () => ['r1', 'r2']);
const server = createServer((req, res) => {
  if (!route(req, res, new URL(req.url ?? '/', 'http://x'))) {
    res.writeHead(404);
    res.end();
  }
});
const ready = new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
afterAll(() => new Promise((r) => server.close(r)));

describe('cluster status route', () => {
  it('GET /cluster shows members, buckets, owned routers and handover events', async () => {
    const res = await fetch(`http://127.0.0.1:${await ready}/cluster`);
    expect(await res.json()).toEqual({ ...view, routers: 2, ownedRouters: ['r1', 'r2'] });
  });

  it('GET /cluster/metrics gives the same as Prometheus series; other paths fall through', async () => {
    const port = await ready;
    const text = await (await fetch(`http://127.0.0.1:${port}/cluster/metrics`)).text();
    expect(text).toContain('tikprobe_cluster_members 2\n');
    expect(text).toContain('tikprobe_cluster_buckets 517\n');
    expect(text).toContain('tikprobe_cluster_routers 2\n');
    expect(text).toContain('tikprobe_cluster_handover_events{kind="released"} 1\n');
    expect(text).toContain('tikprobe_cluster_state_writes_total{result="refused"} 1\n');
    expect((await fetch(`http://127.0.0.1:${port}/status`)).status).toBe(404);
  });
});
