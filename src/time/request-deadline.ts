/**
 * One HTTP request's cancellation, for the RouterOS client and the Komari transport alike.
 *
 * RequestCancel is the abort handle of one request, listened to by its reply handler
 * (http/text-exchange.ts): an EventTarget look-alike with one listener. An AbortController per
 * request costs an AbortSignal, an EventTarget with its listener bookkeeping and a DOMException
 * on abort: ~4 % of the bridge's CPU at 1 000 routers (cpu profile in bench/README.md).
 */
type Listener = () => void;

export class RequestCancel {
  aborted = false;
  reason: Error | undefined = undefined;
  private listener: Listener | undefined = undefined;

  /** The request's reply handler registers exactly one listener. */
  addEventListener(_type: 'abort', listener: Listener): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: Listener): void {
    if (this.listener === listener) this.listener = undefined;
  }

  /** Ends the request (idempotent). */
  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}

/** One request's cancellation: its own timeout, or the caller's signal. */
export class RequestDeadline {
  readonly cancel = new RequestCancel();
  timedOut = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = () => this.cancel.abort(new Error('aborted'));

  constructor(
    timeoutMs: number,
    readonly callerSignal: AbortSignal | undefined,
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
