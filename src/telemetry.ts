/**
 * Events the bridge reports as they happen, for whoever keeps statistics (the Prometheus
 * metrics of the status server). Implementations must be cheap and must not throw: they are
 * called on the hot path of every poll.
 */
export interface Telemetry {
  /** One poll of one router finished; `errorCode` is undefined on success. */
  pollFinished(router: string, durationMs: number, errorCode: string | undefined): void;
  /** One request of a sink finished: `status` is the HTTP status, or 'error' when there was no answer. */
  sinkResult(router: string, sink: string, endpoint: string, status: number | 'error'): void;
  /** One ping-task result was produced (value in ms, -1 for loss). */
  pingResult(router: string, taskType: string, value: number): void;
  /**
   * One monitor (ping-task) result with its identity, from every integration that runs them
   * (per-task metrics, the v0 API's history); `at` epoch ms, `delayMs` undefined for a failure.
   */
  monitorResult?(router: string, monitor: MonitorRef, at: number, delayMs: number | undefined): void;
  /** Something happened on an integration's link to its dashboard for one router (see IntegrationEvent). */
  integrationEvent?(router: string, integration: string, event: IntegrationEvent): void;
}

/** What a monitor result belongs to. Ids are unique only within one integration (`source`). */
export interface MonitorRef {
  /** The integration that runs the task, e.g. "komari" or "nezha". */
  source: string;
  id: number;
  /** The task's name as its dashboard shows it (or a description when the dashboard sends none). */
  name: string;
  type: MonitorType;
}

export type MonitorType = 'icmp' | 'tcp' | 'http';

/**
 * Link activity of an integration for one router: a stream opened or closed, a link opened
 * again after a failure, a report the dashboard acknowledged, a pause because the dashboard
 * refused the credentials, a task result sent back.
 */
export type IntegrationEvent = 'link_up' | 'link_down' | 'reconnect' | 'state_acknowledged' | 'auth_pause' | 'task_result';

export const nullTelemetry: Telemetry = {
  pollFinished: () => undefined,
  sinkResult: () => undefined,
  pingResult: () => undefined,
};

/**
 * One Telemetry that forwards every event to `base` and to each listener `extra()` returns at
 * the time of the event (integrations come and go with reloads). A listener that throws is
 * ignored: telemetry must never break the path that reports it.
 */
export function fanOut(base: Telemetry, extra: () => Partial<Telemetry>[]): Telemetry {
  const each = (call: (t: Partial<Telemetry>) => void) => {
    for (const t of [base, ...extra()]) {
      try {
        call(t);
      } catch {
        // see above
      }
    }
  };
  return {
    pollFinished: (...a) => each((t) => t.pollFinished?.(...a)),
    sinkResult: (...a) => each((t) => t.sinkResult?.(...a)),
    pingResult: (...a) => each((t) => t.pingResult?.(...a)),
    monitorResult: (...a) => each((t) => t.monitorResult?.(...a)),
    integrationEvent: (...a) => each((t) => t.integrationEvent?.(...a)),
  };
}
