/**
 * The abort handle of one router request: the smallest object undici accepts as a `signal`
 * (an EventTarget look-alike with one listener). An AbortController per request costs an
 * AbortSignal, an EventTarget with its listener bookkeeping and a DOMException on abort:
 * ~4 % of the bridge's CPU at 1 000 routers (cpu profile in bench/README.md). Pure.
 */
type Listener = () => void;

export class RequestCancel {
  aborted = false;
  reason: Error | undefined = undefined;
  private listener: Listener | undefined = undefined;

  /** undici registers exactly one listener per request. */
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
