/**
 * A worker's telemetry events carried to the main thread's metrics registry in batches (one
 * message per `everyMs` or per `maxBatch` events, not one per event), and replayed there in
 * order. The registry, its families and the status pages stay in the main thread.
 */
import type { IntegrationEvent, MonitorRef, Telemetry } from '../telemetry.js';

export type TelemetryEvent =
  | ['poll', string, number, string | undefined]
  | ['sink', string, string, string, number | 'error']
  | ['ping', string, string, number]
  | ['monitor', string, MonitorRef, number, number | undefined]
  | ['link', string, string, IntegrationEvent];

export interface RelayOptions {
  send(events: TelemetryEvent[]): void;
  everyMs?: number;
  maxBatch?: number;
}

export interface TelemetryRelay extends Required<Telemetry> {
  /** Sends what is pending now (before a stop, a flush, a snapshot). */
  drain(): void;
  stop(): void;
}

export function telemetryRelay(opts: RelayOptions): TelemetryRelay {
  const everyMs = opts.everyMs ?? 250;
  const maxBatch = opts.maxBatch ?? 2_000;
  let batch: TelemetryEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    opts.send(out);
  };
  const push = (e: TelemetryEvent) => {
    batch.push(e);
    if (batch.length >= maxBatch) drain();
    else if (timer === undefined) {
      timer = setTimeout(drain, everyMs);
      timer.unref();
    }
  };
  return {
    pollFinished: (router, durationMs, errorCode) => push(['poll', router, durationMs, errorCode]),
    sinkResult: (router, sink, endpoint, status) => push(['sink', router, sink, endpoint, status]),
    pingResult: (router, taskType, value) => push(['ping', router, taskType, value]),
    monitorResult: (router, monitor, at, delayMs) => push(['monitor', router, monitor, at, delayMs]),
    integrationEvent: (router, integration, event) => push(['link', router, integration, event]),
    drain,
    stop() {
      drain();
    },
  };
}

/** Replays a worker's batch into the main thread's telemetry, in order. */
export function replayTelemetry(events: readonly TelemetryEvent[], target: Telemetry): void {
  for (const e of events) {
    switch (e[0]) {
      case 'poll':
        target.pollFinished(e[1], e[2], e[3]);
        break;
      case 'sink':
        target.sinkResult(e[1], e[2], e[3], e[4]);
        break;
      case 'ping':
        target.pingResult(e[1], e[2], e[3]);
        break;
      case 'monitor':
        target.monitorResult?.(e[1], e[2], e[3], e[4]);
        break;
      case 'link':
        target.integrationEvent?.(e[1], e[2], e[3]);
        break;
    }
  }
}
