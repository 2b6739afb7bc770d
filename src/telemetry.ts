/**
 * Events the bridge reports as they happen, for whoever keeps statistics (the Prometheus
 * metrics of the status server). Implementations must be cheap and must not throw: they are
 * called on the hot path of every poll.
 */
export interface BridgeObserver {
  /** One poll of one router finished; `errorCode` is undefined on success. */
  pollFinished(router: string, durationMs: number, errorCode: string | undefined): void;
  /** One request of a sink finished: `status` is the HTTP status, or 'error' when there was no answer. */
  sinkResult(router: string, sink: string, endpoint: string, status: number | 'error'): void;
  /** One ping-task result was produced (value in ms, -1 for loss). */
  pingResult(router: string, taskType: string, value: number): void;
}

export const nullObserver: BridgeObserver = {
  pollFinished: () => undefined,
  sinkResult: () => undefined,
  pingResult: () => undefined,
};
