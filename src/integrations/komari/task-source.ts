/**
 * The seam between the ping scheduler and Komari: the lead wires it to
 * `GET /api/clients/ping/tasks?token=` and `POST /api/clients/ping/result?token=`.
 */

import type { KomariPingResult, KomariPingTask } from './ping-tasks.js';
import type { CancelSignal } from '../../time/cancel.js';

/** The task and result shapes are Komari's own; one definition serves the client and the scheduler. */
export type { KomariPingTask };
/** One measurement, posted as soon as it exists. */
export type PingResult = KomariPingResult;

export interface PingTaskSource {
  /** The tasks assigned to this router's node. Rejects on any failure (the scheduler keeps its last list). */
  fetchTasks(signal: CancelSignal): Promise<KomariPingTask[]>;
  /** Posts one result; rejects on failure (the scheduler retries with the same result). */
  sendResult(result: PingResult, signal: CancelSignal): Promise<void>;
}
