/**
 * "Latest sample wins": how a poll hands a sample to a dashboard without waiting for it.
 * `offer` returns at once. One send runs at a time; a sample offered while one is in flight
 * waits, and a newer one replaces it (counted as dropped): a dashboard that is slow or
 * hanging never makes polls wait, never builds a queue, and receives the freshest numbers
 * when it answers again. `stop` aborts the send in flight at once.
 */
import { errorMessage } from '../errors.js';
import type { PartView } from '../router-view.js';
import { Cancellation, type CancelSignal } from '../time/cancel.js';

/** What one send achieved: nothing (success) or a failure the sender already handled. */
export type SendOutcome = undefined | { ok: false; error: string };

export interface HandoffOptions<T> {
  /** Sends one item; a rejection counts as a failure (it is not retried: the next offer is). */
  send(item: T, signal: CancelSignal): Promise<SendOutcome | undefined>;
  /** Epoch ms. */
  now(): number;
}

export class LatestWins<T> {
  private pending: { item: T; at: number } | undefined;
  private inflight: Promise<void> | undefined;
  private inflightSince = 0;
  private stopped = false;
  /** The drain in progress's (one per drain, not per instance: nothing held between sends). */
  private abort: Cancellation | undefined;
  private lastSuccessAt: number | undefined;
  private lastErrorAt: number | undefined;
  private lastError: string | undefined;
  private dropped = 0;

  constructor(private readonly options: HandoffOptions<T>) {}

  offer(item: T): void {
    if (this.stopped) return;
    if (this.pending !== undefined) this.dropped++;
    this.pending = { item, at: this.options.now() };
    this.inflight ??= this.drain();
  }

  /** Resolves when nothing is in flight (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.inflight !== undefined) await this.inflight;
  }

  /** Drops what waits, aborts the send in flight and resolves once it has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending = undefined;
    this.abort?.abort();
    await this.inflight;
  }

  status(): Omit<PartView, 'integration'> {
    const busySince = this.inflight !== undefined ? this.inflightSince : this.pending?.at;
    return {
      lastSuccessAt: this.lastSuccessAt,
      lastErrorAt: this.lastErrorAt,
      lastError: this.lastError,
      sending: busySince !== undefined,
      queueAgeMs: busySince === undefined ? 0 : Math.max(0, this.options.now() - busySince),
      dropped: this.dropped,
    };
  }

  private async drain(): Promise<void> {
    const abort = new Cancellation();
    this.abort = abort;
    while (this.pending !== undefined && !this.stopped) {
      const next = this.pending;
      this.pending = undefined;
      this.inflightSince = next.at;
      let outcome: SendOutcome;
      try {
        outcome = await this.options.send(next.item, abort.signal);
      } catch (err) {
        outcome = { ok: false, error: errorMessage(err) };
      }
      if (this.stopped) break;
      if (outcome === undefined) {
        this.lastSuccessAt = this.options.now();
        this.lastError = undefined;
        this.lastErrorAt = undefined;
      } else {
        this.lastErrorAt = this.options.now();
        this.lastError = outcome.error;
      }
    }
    this.abort = undefined;
    this.inflight = undefined;
  }
}
