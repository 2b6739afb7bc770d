import type { RouterSample } from '../model.js';
import type { CancelSignal } from '../time/cancel.js';

/**
 * A destination for router samples (Komari now; Nezha and Prometheus later).
 * One sink instance serves one router, so its state and failures stay local.
 *
 * Contract: the constructor only stores its arguments. `start` may do I/O (e.g. register
 * the router) and must not throw for remote failures: it logs and retries later.
 * `push` is called once per successful poll, never for a failed one, and never
 * concurrently with itself; it must not throw. `stop` flushes and releases resources.
 */
export interface RouterSink {
  readonly kind: string;
  start(signal: CancelSignal): Promise<void>;
  push(sample: RouterSample, signal: CancelSignal): Promise<void>;
  stop(): Promise<void>;
}
