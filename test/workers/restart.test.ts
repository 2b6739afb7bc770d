/**
 * A worker thread that dies is logged and started again after a backoff, its routers shown as
 * down meanwhile; the process (this test) keeps running, and a stop ends the restarts.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { nullTelemetry } from '../../src/telemetry.js';
import { RESTART_MESSAGE, WorkerThread } from '../../src/workers/thread.js';
import { bufferLogger } from '../support/log-buffer.js';
import { sleep, until } from './helpers.js';

const ENTRY = new URL('./fixtures/crash-after-ready.mjs', import.meta.url);

describe('a worker thread that dies', () => {
  it('is restarted with backoff and logged; its routers show as down; stop ends it', async () => {
    const log = bufferLogger();
    const store = { load: async () => undefined, saveMany: async () => undefined };
    const config = { routers: [] } as unknown as Config;
    const init = { config, index: 0, count: 2, version: 't', pretty: false, snapshotMs: 1_000, viewsMs: 1_000 };
    const thread = new WorkerThread(0, init, {
      entry: ENTRY,
      store,
      telemetry: nullTelemetry,
      logger: log.logger,
      restart: { baseMs: 40, capMs: 160, jitter: 0 },
      stableMs: 60_000,
      random: () => 0,
    });
    await thread.start();
    expect(thread.snapshot?.views?.[0]?.state).toBe('up');
    let sawDown = false;
    const restartedThrice = () => {
      if (thread.state === 'restarting') {
        sawDown ||= thread.snapshot?.views?.[0]?.state === 'down' && thread.snapshot.views[0].lastError === RESTART_MESSAGE;
      }
      return thread.restarts >= 3;
    };
    // Sampled every 10 ms: the first restart waits only 40 ms.
    await until('three restarts', restartedThrice, { intervalMs: 10 });
    expect(sawDown).toBe(true);
    const lines = log.lines().filter((l) => l.msg === 'worker thread stopped; its routers are not polled until it restarts');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    // Backoff doubles: 40, 80, 160 ms.
    expect(lines.slice(0, 3).map((l) => l.restartInMs)).toEqual([40, 80, 160]);
    await thread.stop();
    const after = thread.restarts;
    await sleep(300);
    expect(thread.restarts).toBe(after);
    expect(thread.state).toBe('stopped');
  });
});
