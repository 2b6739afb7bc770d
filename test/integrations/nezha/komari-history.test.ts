/**
 * The v0 API's `/api/v1/monitor/{id}` with only Komari configured (no `nezha:` section, the
 * status server on): a Komari TCP ping task against a loopback port shows in the router's
 * monitor history, under its real name and an id that cannot collide with a Nezha monitor's,
 * within the current minute-bucket. The bridge and its ping scheduler run on the manual clock,
 * moved 1 s (one task interval) per look; the probes themselves go over real loopback.
 */
import { createServer, type Server } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routerIds } from '../../../src/integrations/nezha/v0-payload.js';
import { createMetricsRegistry } from '../../../src/status/metrics.js';
import { type StatusServer, startStatusServer } from '../../../src/status/start.js';
import { createFleet, type Fleet } from '../../bridge/fleet.js';

let fleet: Fleet | undefined;
let status: StatusServer | undefined;
let target: Server | undefined;
afterEach(async () => {
  await status?.close();
  await fleet?.close();
  await new Promise((resolve) => (target ? target.close(resolve) : resolve(undefined)));
  fleet = status = target = undefined;
});

describe('v0 monitor history with only Komari configured', () => {
  it('shows the Komari task within one minute-bucket, with its real name and a Komari-range id', async () => {
    const server = createServer((s) => s.destroy());
    target = server;
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    const f = await createFleet({ routers: 1, extraYaml: 'status: { listen: "127.0.0.1:9" }' });
    fleet = f;
    expect(f.config.nezha).toBeUndefined();
    f.komari.addPingTask(f.routers[0]!.token, { id: 7, name: 'edge tcp', type: 'tcp', target: `127.0.0.1:${port}`, interval: 1 });
    const running = await f.start();
    status = await startStatusServer({
      listen: '127.0.0.1:0',
      token: undefined,
      bridge: running.bridge,
      startedAt: running.startedAt,
      metrics: createMetricsRegistry(),
      logger: f.log.logger,
      version: '0.0.0-test',
      routes: () => running.routes(),
    });
    const id = routerIds(['r0']).get('r0')!;
    const minute = Math.floor(f.clock.now() / 60_000) * 60_000;
    const started = Date.now();
    let body: { code: number; result: { monitor_id: number; monitor_name: string; created_at: number[]; avg_delay: number[] }[] | null } | undefined;
    await vi.waitFor(
      async () => {
        f.clock.advance(1000);
        const res = await request(`http://${status!.address}/api/v1/monitor/${id}`);
        body = (await res.body.json()) as typeof body;
        expect(body?.result).not.toBeNull();
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(body?.code).toBe(0);
    expect(body?.result).toHaveLength(1);
    const m = body!.result![0]!;
    expect(m).toMatchObject({ monitor_id: 2 ** 32 + 7, monitor_name: 'edge tcp', server_id: id, server_name: 'r0', created_at: [minute] });
    expect(m.avg_delay[0]).toBeGreaterThan(0);
    expect(m.avg_delay[0]).toBeLessThanOrEqual(1000);
  });
});
