/**
 * One request's cancellation: its own timeout, or the work it belongs to (a poll, a dashboard
 * send, a probe's task) being cancelled. The RouterOS client and the Komari transport hand
 * `cancel` to the reply handler (http/text-exchange.ts); the probes take it as their deadline
 * (probes/deadline.ts). A Cancellation, not an AbortController per request (bench/README.md,
 * "Cancellation without EventTarget").
 */
import { abortReason, Cancellation, type CancelSignal } from './cancel.js';

/** The reason a request's own timeout cancels it with. */
export class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

export class RequestDeadline {
  readonly cancel = new Cancellation();
  timedOut = false;
  private readonly timer: NodeJS.Timeout;
  /** The caller's reason is the request's (an Error). */
  private readonly onCallerAbort = () => this.cancel.abort(abortReason(this.callerSignal!));

  constructor(
    timeoutMs: number,
    readonly callerSignal: CancelSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.cancel.abort(new DeadlineExceeded(timeoutMs));
    }, timeoutMs);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
