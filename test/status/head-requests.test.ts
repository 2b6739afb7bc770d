import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusServer } from '../../src/status/start.js';
import { startTestStatusServer } from '../support/status-server.js';
import { view as routerView } from './populated.js';

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('HEAD of /status and /metrics', () => {
  it('answers with the headers and reads no router view; GET reads them', async () => {
    const view = vi.fn(() => []);
    const viewsByName = vi.fn(function* () {});
    server = await startTestStatusServer({ bridge: { view, viewsByName, healthy: () => true } });
    for (const path of ['/status', '/metrics']) {
      const head = await fetch(`http://${server.address}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    }
    expect(view).not.toHaveBeenCalled();
    expect(viewsByName).toHaveBeenCalledTimes(1); // the generator is made, never started
    const status = await fetch(`http://${server.address}/status`);
    expect(((await status.json()) as { routers: unknown[] }).routers).toEqual([]);
    const metrics = await fetch(`http://${server.address}/metrics`);
    expect(await metrics.text()).toContain('tikprobe_build_info');
    expect(view).toHaveBeenCalledTimes(1);
  });

  it('reads no view for HEAD of a fleet without views by name either (worker threads), and sorts them for GET', async () => {
    const view = vi.fn(() => [routerView('b'), routerView('a')]);
    server = await startTestStatusServer({ bridge: { view, healthy: () => true } });
    const head = await fetch(`http://${server.address}/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(view).not.toHaveBeenCalled();
    const status = (await (await fetch(`http://${server.address}/status`)).json()) as { routers: { name: string }[] };
    expect(status.routers.map((r) => r.name)).toEqual(['a', 'b']);
    expect(view).toHaveBeenCalledTimes(1);
  });
});
