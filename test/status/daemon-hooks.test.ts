import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { RunningBridge } from '../../src/main.js';
import { type AttachedStatus, attachStatus, createMetricsRegistry } from '../../src/status/daemon-hooks.js';
import { bufferLogger } from '../support/log-buffer.js';

const running = {
  bridge: { view: () => [], healthy: () => true },
  startedAt: Date.UTC(2026, 0, 1),
  stop: async () => undefined,
} as unknown as RunningBridge;

const baseConfig = (status: Config['status']): Config => ({
  file: 'tikprobe.yaml',
  komari: undefined,
  stateDir: '/tmp/x',
  logLevel: 'info',
  concurrency: 1,
  status,
  routers: [],
});

let attached: AttachedStatus | undefined;
afterEach(async () => {
  await attached?.close();
  attached = undefined;
});

describe('attachStatus', () => {
  it('starts nothing when status is not configured', async () => {
    const log = bufferLogger();
    attached = await attachStatus(baseConfig(undefined), running, log.logger, '1.0.0', createMetricsRegistry());
    expect(log.text()).not.toContain('status server listening');
    await attached.close();
  });

  it('serves the configured address with its token, and says a changed status section waits for a restart', async () => {
    const log = bufferLogger();
    const config = baseConfig({ listen: '127.0.0.1:0', token: 'a-long-status-token-0001' });
    attached = await attachStatus(config, running, log.logger, '1.0.0', createMetricsRegistry());
    const line = log.lines().find((l) => l.msg === 'status server listening')!;
    expect(line).toMatchObject({ component: 'status', auth: 'bearer' });
    const address = line.address as string;
    const healthz = await request(`http://${address}/healthz`);
    expect(healthz.statusCode).toBe(200);
    await healthz.body.dump();
    const metrics = await request(`http://${address}/metrics`, { headers: { authorization: 'Bearer a-long-status-token-0001' } });
    expect(metrics.statusCode).toBe(200);
    expect(await metrics.body.text()).toContain('tikprobe_build_info{version="1.0.0"');

    attached.reloaded(config);
    expect(log.text()).not.toContain('take effect at the next restart');
    attached.reloaded(baseConfig({ listen: '127.0.0.1:9999', token: undefined }));
    expect(log.text()).toContain('status settings changed: they take effect at the next restart');
    expect(log.text()).not.toContain('a-long-status-token-0001');
  });

  it('warns when the server is reachable beyond this machine without a token', async () => {
    const log = bufferLogger();
    attached = await attachStatus(baseConfig({ listen: '0.0.0.0:0', token: undefined }), running, log.logger, '1.0.0', createMetricsRegistry());
    expect(log.lines().find((l) => l.level === 40)?.msg).toContain('without status.token');
  });
});
