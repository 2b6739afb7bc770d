/**
 * The fleet's Komari client as one router's sink sees it: every data request reports its
 * outcome (HTTP status, or 'error' without an answer) to the observer, for the status server's
 * "Komari acceptance" and sink metrics. The shared client and its connections are untouched.
 *
 * A class rather than a spread of the client with closures: every router holds one, and
 * three fields on a shared prototype cost a tenth of eight own function properties and
 * their closures' context.
 */
import { KomariError } from '../../errors.js';
import type { KomariClient, KomariClientStats, KomariCredentials } from './client.js';
import type { KomariBasicInfo, KomariReport } from './payload.js';
import type { KomariPingResult, KomariPingTask } from './ping-tasks.js';
import type { Telemetry } from '../../telemetry.js';
import type { CancelSignal } from '../../time/cancel.js';

export function observedKomariClient(client: KomariClient, router: string, observer: Telemetry): KomariClient {
  return new ObservedKomariClient(client, router, observer);
}

class ObservedKomariClient implements KomariClient {
  constructor(
    private readonly client: KomariClient,
    private readonly router: string,
    private readonly observer: Telemetry,
  ) {}

  uploadBasicInfo(token: string, body: KomariBasicInfo, signal?: CancelSignal): Promise<void> {
    return this.watch('uploadBasicInfo', this.client.uploadBasicInfo(token, body, signal));
  }

  report(token: string, body: KomariReport, signal?: CancelSignal): Promise<void> {
    return this.watch('report', this.client.report(token, body, signal));
  }

  postPingResult(token: string, result: KomariPingResult, signal?: CancelSignal): Promise<void> {
    return this.watch('ping/result', this.client.postPingResult(token, result, signal));
  }

  getPingTasks(token: string, signal?: CancelSignal): Promise<KomariPingTask[]> {
    return this.client.getPingTasks(token, signal);
  }

  register(discoveryKey: string, name: string, signal?: CancelSignal): Promise<KomariCredentials> {
    return this.client.register(discoveryKey, name, signal);
  }

  version(signal?: CancelSignal): Promise<string> {
    return this.client.version(signal);
  }

  stats(): KomariClientStats {
    return this.client.stats();
  }

  /** The fleet owns the client: a router unit must never close it. */
  async close(): Promise<void> {}

  private async watch<T>(endpoint: string, call: Promise<T>): Promise<T> {
    try {
      const result = await call;
      this.observer.sinkResult(this.router, 'komari', endpoint, 200);
      return result;
    } catch (err) {
      this.observer.sinkResult(this.router, 'komari', endpoint, err instanceof KomariError && err.status !== undefined ? err.status : 'error');
      throw err;
    }
  }
}
