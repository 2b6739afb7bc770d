/**
 * The seam between the ping scheduler and Komari: the lead wires it to
 * `GET /api/clients/ping/tasks?token=` and `POST /api/clients/ping/result?token=`.
 */

/** One ping task as Komari hands it to a node. Extra keys (`clients`, `weight`, …) are ignored. */
export interface KomariPingTask {
  id: number;
  name: string;
  /** `icmp`, `tcp` or `http` by convention; Komari does not validate it. */
  type: string;
  target: string;
  /** Seconds between two measurements; ≤ 0 means the task is never run. */
  interval: number;
}

/** One measurement, posted as soon as it exists. */
export interface PingResult {
  task_id: number;
  /** Integer milliseconds; -1 means loss (timeout, refused, error). */
  value: number;
  /** The task's `type`; Komari ignores it, the agent sends it. */
  ping_type: string;
  /** RFC 3339 with the host's real UTC offset: the moment this probe finished. */
  finished_at: string;
}

export interface PingTaskSource {
  /** The tasks assigned to this router's node. Rejects on any failure (the scheduler keeps its last list). */
  fetchTasks(signal: AbortSignal): Promise<KomariPingTask[]>;
  /** Posts one result; rejects on failure (the scheduler retries with the same result). */
  sendResult(result: PingResult, signal: AbortSignal): Promise<void>;
}
