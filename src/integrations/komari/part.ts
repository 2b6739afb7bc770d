/**
 * Everything Komari does for one router: its sink (registration, basic info, reports),
 * handed the newest sample without ever making the poll wait, and its ping tasks.
 */
import type { RouterSample } from '../../model.js';
import type { RouterPart } from '../contract.js';
import { LatestWins } from '../handoff.js';
import type { PingScheduler } from './ping-scheduler.js';
import type { KomariSink } from './sink.js';
import { Cancellation } from '../../time/cancel.js';

export class KomariPart implements RouterPart {
  /** Aborts the registration at stop; dropped once it has settled (a router keeps none after). */
  private abort: Cancellation | undefined = new Cancellation();
  private readonly handoff: LatestWins<RouterSample>;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly sink: KomariSink,
    private readonly pings: PingScheduler | undefined,
    now: () => number,
  ) {
    this.handoff = new LatestWins({
      now,
      send: async (sample, signal) => {
        await this.sink.push(sample, signal);
        const last = this.sink.lastResult();
        if (last === undefined || last.ok) return undefined;
        return { ok: false, error: last.status !== undefined ? `HTTP ${last.status}: ${last.error ?? ''}` : (last.error ?? 'failed') };
      },
    });
  }

  start(): void {
    // Registration (or loading a saved one) runs in the background; reports wait for its token.
    const abort = this.abort ?? new Cancellation();
    this.starting = this.sink.start(abort.signal).finally(() => {
      if (this.abort === abort) this.abort = undefined;
    });
    this.pings?.start();
  }

  offer(sample: RouterSample): void {
    this.handoff.offer(sample);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await Promise.all([this.handoff.stop(), this.pings?.stop(), this.starting]);
    await this.sink.stop();
  }

  status() {
    return this.handoff.status();
  }

  lastPing(): { value: number; at: number } | undefined {
    let best: { value: number; at: number } | undefined;
    for (const r of this.pings?.lastResults() ?? []) {
      const at = Date.parse(r.finishedAt);
      if (!best || at > best.at) best = { value: r.value, at };
    }
    return best;
  }

  /** The node token in use, once resolved (for the ping tasks and `check`). */
  token(): string | undefined {
    return this.sink.token();
  }
}
