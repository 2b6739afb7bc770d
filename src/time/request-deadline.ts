/**
 * One HTTP request's cancellation, for the RouterOS client and the Komari transport alike: its
 * own timeout, or the work it belongs to (a poll, a dashboard send) being cancelled. The
 * request's reply handler (http/text-exchange.ts) listens to `cancel`, a Cancellation: no
 * AbortController per request (bench/README.md, "Cancellation without EventTarget").
 */
import { Cancellation, type CancelSignal } from './cancel.js';

export class RequestDeadline {
  readonly cancel = new Cancellation();
  timedOut = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = () => this.cancel.abort(new Error('aborted'));

  constructor(
    timeoutMs: number,
    readonly callerSignal: CancelSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.cancel.abort(new Error('timeout'));
    }, timeoutMs);
    if (callerSignal?.aborted) this.cancel.abort(new Error('aborted'));
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
