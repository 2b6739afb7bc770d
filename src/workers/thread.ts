/**
 * One worker thread as the main thread holds it: spawned with its share of the
 * configuration, its store calls answered by the main thread's store, its telemetry replayed
 * into the main thread's, its latest snapshot kept for /status and /healthz. A thread that
 * dies is logged and started again after a backoff (the process keeps running); its routers
 * show as down meanwhile.
 */
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { RouterView } from '../router-view.js';
import type { StateStore } from '../state/store.js';
import type { Telemetry } from '../telemetry.js';
import { type BackoffPolicy, backoffDelay } from '../time/backoff.js';
import { settlesWithin } from '../time/timers.js';
import { serveStore } from './port-store.js';
import { CALL_FLUSH, CALL_RELOAD, CALL_STOP, NOTE_READY, NOTE_SNAPSHOT, NOTE_TELEMETRY, staleAfterMs, type WorkerInit, type WorkerSnapshot } from './protocol.js';
import { PortRpc } from './rpc.js';
import { replayTelemetry, type TelemetryEvent } from './telemetry-relay.js';

export interface ThreadHooks {
  /** The worker's script (dist/worker-thread.js). */
  entry: URL;
  store: Pick<StateStore, 'load' | 'saveMany'>;
  telemetry: Telemetry;
  logger: Logger;
  restart: BackoffPolicy;
  /** A thread that ran this long before dying restarts after the shortest backoff again. */
  stableMs: number;
  random: () => number;
}

export type ThreadState = 'starting' | 'running' | 'restarting' | 'stopped';

/** How long a stop waits for a worker's bridge to stop and save before the thread is ended. */
const STOP_WAIT_MS = 4_000;

export const RESTART_MESSAGE = 'the worker thread polling this router stopped; it restarts shortly';

export class WorkerThread {
  state: ThreadState = 'starting';
  snapshot: WorkerSnapshot | undefined;
  restarts = 0;
  private worker: Worker | undefined;
  private rpc: PortRpc | undefined;
  private attempt = 0;
  private spawnedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** staleAfterMs of the worker's share, kept with `init`. */
  private staleAfter: number;

  constructor(
    readonly index: number,
    private init: WorkerInit,
    private readonly hooks: ThreadHooks,
  ) {
    this.staleAfter = staleAfterMs(init.config);
  }

  get routers(): number {
    return this.init.config.routers.length;
  }

  /** Resolves once the worker's bridge has started, or its first attempt failed (a restart is then scheduled). */
  start(): Promise<void> {
    return new Promise<void>((resolve) => this.spawn(resolve));
  }

  /** True while the last snapshot said healthy and is fresh; before any, while the thread is young. */
  healthy(now: number): boolean {
    if (this.snapshot) return this.snapshot.healthy && now - this.snapshot.at <= this.snapshot.staleAfterMs;
    return now - this.spawnedAt <= this.staleAfter;
  }

  /** Applies the worker's new share (also to the next spawn when the thread is down). */
  async reload(config: Config): Promise<void> {
    this.init = { ...this.init, config };
    this.staleAfter = staleAfterMs(config);
    if (this.rpc && this.state !== 'restarting') await this.rpc.call(CALL_RELOAD, config);
  }

  async flush(): Promise<void> {
    if (this.rpc && this.state === 'running') await this.rpc.call(CALL_FLUSH);
  }

  /** Stops the worker's bridge (its routers stop, its state is saved), then ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const worker = this.worker;
    const rpc = this.rpc;
    if (worker && rpc) {
      // Bounded: the daemon's 5 s shutdown deadline must hold whatever a thread does.
      const stopped = rpc.call(CALL_STOP).catch((err: unknown) => this.hooks.logger.warn({ worker: this.index, err: errorMessage(err) }, 'worker thread did not stop cleanly'));
      if (!(await settlesWithin(stopped, STOP_WAIT_MS))) {
        this.hooks.logger.warn({ worker: this.index, afterMs: STOP_WAIT_MS }, 'worker thread did not stop in time; ending it');
      }
      await worker.terminate();
    }
    this.state = 'stopped';
  }

  private spawn(settled?: () => void): void {
    this.spawnedAt = Date.now();
    const worker = new Worker(this.hooks.entry, { workerData: this.init });
    const rpc = new PortRpc(worker, serveStore(this.hooks.store), {
      [NOTE_READY]: () => {
        this.state = 'running';
        settled?.();
      },
      [NOTE_SNAPSHOT]: (s: WorkerSnapshot) => {
        this.snapshot = { ...s, views: s.views ?? this.snapshot?.views, sections: s.sections ?? this.snapshot?.sections };
      },
      [NOTE_TELEMETRY]: (events: TelemetryEvent[]) => replayTelemetry(events, this.hooks.telemetry),
    });
    worker.on('error', (err) => this.hooks.logger.error({ worker: this.index, err: errorMessage(err) }, 'worker thread failed'));
    worker.on('exit', (code) => {
      rpc.close(new Error(`worker thread ${this.index} exited`));
      if (this.worker === worker) {
        this.worker = undefined;
        this.rpc = undefined;
      }
      if (!this.stopping) this.crashed(code);
      settled?.();
    });
    this.worker = worker;
    this.rpc = rpc;
  }

  private crashed(code: number): void {
    this.restarts++;
    if (Date.now() - this.spawnedAt >= this.hooks.stableMs) this.attempt = 0;
    this.attempt++;
    const delay = backoffDelay(this.attempt, this.hooks.restart, this.hooks.random);
    this.state = 'restarting';
    if (this.snapshot?.views) this.snapshot = { ...this.snapshot, views: this.snapshot.views.map(downView) };
    this.hooks.logger.error(
      { worker: this.index, exitCode: code, routers: this.routers, restartInMs: delay, restarts: this.restarts },
      'worker thread stopped; its routers are not polled until it restarts',
    );
    this.timer = setTimeout(() => this.spawn(), delay);
  }
}

function downView(v: RouterView): RouterView {
  return { ...v, state: 'down', lastError: RESTART_MESSAGE, lastErrorCode: undefined };
}
