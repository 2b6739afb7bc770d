/**
 * Cluster mode wired through the composition root: a bridge on a real PostgreSQL runs the
 * routers whose buckets it holds, and its cluster block and families reach RunningBridge's
 * sections (which the daemon hands to the status server).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BUCKETS } from '../../src/cluster/buckets.js';
import type { MetricFamily } from '../../src/metric-family.js';
import { createFleet, type Fleet } from '../bridge/fleet.js';
import { usePostgres } from './support/pg-suite.js';

const pgs = usePostgres();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const sample = (families: readonly MetricFamily[], name: string) => {
  const f = families.find((x) => x.name === name);
  return f && f.type !== 'histogram' ? f.samples : undefined;
};

describe('a cluster replica through startBridge', () => {
  it('runs the routers of its buckets and shows them in its cluster section', async (ctx) => {
    if (!pgs.server) return ctx.skip();
    const f = await createFleet({
      routers: 2,
      extraYaml: `cluster: { postgres: "${pgs.server.url}", memberId: solo, heartbeat: 200ms, deadAfter: 1500ms }`,
    });
    fleet = f;
    const running = await f.start();
    expect(running.bridge.routerConfigs().map((r) => r.name).sort()).toEqual(['r0', 'r1']);
    f.clock.advance(0);
    await f.clock.idle(4);
    await f.delivered();
    expect(f.reports('r0')).toHaveLength(1);

    const sections = running.sections();
    expect(sections.map((s) => s.name)).toEqual(['load', 'cluster']);
    const section = sections.find((s) => s.name === 'cluster')!;
    expect(section.status()).toMatchObject({
      memberId: 'solo',
      members: { count: 1, names: ['solo'] },
      buckets: BUCKETS,
      routers: { count: 2, names: ['r0', 'r1'], truncated: false },
      handovers: { totals: { acquired: { events: 1, buckets: BUCKETS } } },
      fencing: { session: 'ok' },
    });
    const families = section.metrics!();
    expect(sample(families, 'tikprobe_cluster_routers')).toEqual([{ labels: {}, value: 2 }]);
    expect(sample(families, 'tikprobe_cluster_member_info')).toEqual([{ labels: { member: 'solo' }, value: 1 }]);
    // The cluster has no endpoint of its own any more: it is part of /status and /metrics.
    expect(running.routes()).toEqual([]);
  }, 30_000);
});
