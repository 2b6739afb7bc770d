/**
 * The composition root of one worker thread (`workers: N`): the bridge of startBridge on
 * this worker's share of the routers, its state store answered by the main thread, its
 * telemetry relayed to the main thread's metrics, and a snapshot of its routers' views sent
 * every `snapshotMs` for /status, /healthz and the systemd watchdog. The main thread
 * (src/workers/thread.ts) starts, reloads, flushes and stops it; its status sections (load)
 * travel with the views.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from './config/schema.js';
import { createLogger } from './log.js';
import { type RunningBridge, startBridge } from './main.js';
import { PortStateStore } from './workers/port-store.js';
import { CALL_FLUSH, CALL_RELOAD, CALL_STOP, NOTE_READY, NOTE_SNAPSHOT, NOTE_TELEMETRY, slimView, staleAfterMs, type WorkerInit, type WorkerSnapshot } from './workers/protocol.js';
import { PortRpc } from './workers/rpc.js';
import { telemetryRelay } from './workers/telemetry-relay.js';

async function runWorker(port: NonNullable<typeof parentPort>, init: WorkerInit): Promise<void> {
  const logger = createLogger({ level: init.config.logLevel, pretty: init.pretty }).child({ worker: init.index });
  let config = init.config;
  let staleAfter = staleAfterMs(config);
  let running: RunningBridge | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticks = 0;
  const viewsEvery = Math.max(1, Math.round(init.viewsMs / init.snapshotMs));
  const snapshot = (withViews = ticks++ % viewsEvery === 0) => {
    if (!running) return;
    const now = Date.now();
    const snap: WorkerSnapshot = { healthy: running.bridge.healthy(now, running.startedAt), at: now, staleAfterMs: staleAfter };
    if (withViews) {
      const views = running.bridge.view();
      // Full views only for a status server; the systemd notifier needs the states alone.
      snap.views = config.status ? views : views.map(slimView);
      snap.sections = running.sections().map((s) => ({ name: s.name, status: s.status(), metrics: s.metrics?.() ?? [] }));
    }
    rpc.note(NOTE_SNAPSHOT, snap);
  };
  const rpc: PortRpc = new PortRpc(
    port,
    {
      // Calls that arrive while the bridge starts wait for it.
      [CALL_RELOAD]: async (next: Config) => {
        config = next;
        staleAfter = staleAfterMs(next);
        await (await started).reload(next);
        snapshot(true);
      },
      [CALL_FLUSH]: async () => {
        relay.drain();
        await (await started).flushState();
      },
      [CALL_STOP]: async () => {
        clearInterval(timer);
        await (await started).stop();
        relay.stop();
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      },
    },
    {},
  );
  const relay = telemetryRelay({ send: (events) => rpc.note(NOTE_TELEMETRY, events) });
  const started = startBridge(config, { logger, version: init.version, telemetry: relay, store: new PortStateStore(rpc), workers: init.count, stateFlushMs: init.stateFlushMs });
  running = await started;
  snapshot(true);
  timer = setInterval(() => snapshot(), init.snapshotMs);
  timer.unref();
  rpc.note(NOTE_READY);
}

if (parentPort) {
  await runWorker(parentPort, workerData as WorkerInit);
}
