/**
 * `promtool check metrics` (Prometheus's own linter) against a live /metrics: a real bridge
 * with RouterOS and Komari fakes on loopback, the status server, and the registry fed the
 * events of ping tasks and a Nezha link, so every family has series. Runs where promtool is
 * installed (Debian: `apt-get install prometheus`; CI installs it); elsewhere it is skipped
 * with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startBridge } from '../../src/main.js';
import { createMetricsRegistry } from '../../src/status/metrics.js';
import { type StatusServer, startStatusServer } from '../../src/status/start.js';
import { createFleet, type Fleet } from '../bridge/fleet.js';
import { populatedExposition } from './populated.js';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const found = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
const available = found.status === 0;
const SKIP_REASON = `promtool not found (${found.error?.message ?? `exit ${found.status}`}): skipping 'promtool check metrics'; install Debian's prometheus package or set PROMTOOL`;
if (!available) console.warn(SKIP_REASON);

/** promtool's verdict: exit code and everything it printed (warnings go to stdout or stderr by version). */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

let fleet: Fleet | undefined;
let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await fleet?.close();
  fleet = undefined;
});

describe.skipIf(!available)(`promtool check metrics${available ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  it('passes with no warning on a live /metrics', async () => {
    const f = await createFleet({ routers: 2, timeout: '4s' });
    fleet = f;
    const metrics = createMetricsRegistry({ now: () => f.clock.now() });
    f.running = await startBridge(f.config, { logger: f.log.logger, version: '0.0.0-test', clock: f.clock, random: () => 0, stateFlushMs: 3_600_000, telemetry: metrics });
    f.routers[1]!.fake.fault('system/resource', '500');
    f.clock.advance(0);
    await f.clock.idle(5); // two poll loops, two Komari task-list refreshes, the state flusher
    metrics.monitorResult('r0', { source: 'komari', id: 3, name: 'dns', type: 'icmp' }, f.clock.now(), 4.2);
    metrics.monitorResult('r0', { source: 'komari', id: 3, name: 'dns', type: 'icmp' }, f.clock.now(), undefined);
    metrics.integrationEvent('r0', 'nezha', 'link_up');
    metrics.integrationEvent('r0', 'nezha', 'state_acknowledged');
    server = await startStatusServer({
      listen: '127.0.0.1:0',
      token: undefined,
      bridge: f.running.bridge,
      startedAt: f.running.startedAt,
      metrics,
      logger: f.log.logger,
      version: '0.0.0-test',
      now: () => f.clock.now(),
    });
    const res = await request(`http://${server.address}/metrics`);
    const text = await res.body.text();
    expect(text).toContain('tikprobe_ping_rtt_seconds{');
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });

  it('passes with no warning when every family has series', () => {
    expect(promtoolCheck(populatedExposition())).toEqual({ status: 0, output: '' });
  });

  it('is a real check: it flags the _count gauge tikprobe used to export', () => {
    const bad = '# HELP tikprobe_router_cpu_count CPU cores.\n# TYPE tikprobe_router_cpu_count gauge\ntikprobe_router_cpu_count{router="a"} 4\n';
    const r = promtoolCheck(bad);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('_count');
  });
});
