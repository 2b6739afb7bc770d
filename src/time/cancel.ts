/**
 * Cancellation of the bridge's own work (a poll tick, a dashboard send, one request) without
 * the DOM machinery of AbortController: an AbortSignal is an EventTarget whose listeners are
 * kept in maps of records, and a controller, a signal and a listener record per poll, per
 * report and per request were ~3 % of the bridge's CPU and ~5 % of its garbage at 1 000
 * routers (bench/README.md, "Cancellation without EventTarget"). An AbortSignal has the same
 * shape, so code that takes a CancelSignal takes either. A CancelSignal is not an AbortSignal:
 * an API of the runtime that needs one (a listener limit, a socket option) is given a real
 * AbortController's signal by the code that owns it (the ping scheduler's stop, a Nezha link).
 */
type Listener = () => void;

/** What a piece of work can be cancelled by: an AbortSignal, or a Cancellation. */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  /** Called once, when the work is cancelled; never when it already was (as an AbortSignal). */
  addEventListener(type: 'abort', listener: Listener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: Listener): void;
}

/** The reason of a cancellation given none: an Error named AbortError, as AbortController's. */
export function abortError(): Error {
  const err = new Error('This operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** The reason a cancelled signal carries, as an Error to reject with. */
export function abortReason(signal: CancelSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : abortError();
}

/**
 * One cancellable piece of work: the controller and its signal in one object. Listeners run in
 * the order they were added, once; most work has one (a request's), so it is kept in a field
 * and an array is made only for a second.
 */
export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private first: Listener | undefined = undefined;
  private more: Listener[] | undefined = undefined;

  /** The signal to hand to the work (this object itself), as AbortController's `signal`. */
  get signal(): CancelSignal {
    return this;
  }

  /** A listener already registered is not added twice (as on an EventTarget). */
  addEventListener(_type: 'abort', listener: Listener): void {
    if (this.aborted || this.first === listener || this.more?.includes(listener)) return;
    if (this.first === undefined && this.more === undefined) this.first = listener;
    else if (this.more === undefined) this.more = [listener];
    else this.more.push(listener);
  }

  removeEventListener(_type: 'abort', listener: Listener): void {
    if (this.first === listener) {
      this.first = undefined;
      return;
    }
    const more = this.more;
    if (more === undefined) return;
    const at = more.indexOf(listener);
    if (at >= 0) more.splice(at, 1);
    if (more.length === 0) this.more = undefined;
  }

  /**
   * Cancels the work (idempotent): runs each listener once. One that throws does not stop the
   * others; the first such error is thrown once all have run (a listener that throws is a bug).
   */
  abort(reason: unknown = abortError()): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const first = this.first;
    const more = this.more;
    this.first = undefined;
    this.more = undefined;
    let failure: { err: unknown } | undefined;
    for (const listener of first === undefined ? (more ?? []) : [first, ...(more ?? [])]) {
      try {
        listener();
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure !== undefined) throw failure.err;
  }
}
