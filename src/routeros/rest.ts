/** The one seam through which tikprobe talks to a router. Implemented by `client.ts`. */
import type { CancelSignal } from '../time/cancel.js';
export interface RestOptions {
  /** `.proplist`: only these properties are returned. */
  proplist?: readonly string[];
  /** Query-string filters for GET (exact match, AND-combined). */
  filter?: Readonly<Record<string, string>>;
  signal?: CancelSignal;
  /** Overrides the router's configured request timeout (e.g. for /ping). */
  timeoutMs?: number;
}

export interface RouterRest {
  /** `GET /rest/<path>`; resolves to the parsed JSON reply, rejects with a RouterError. */
  get(path: string, options?: RestOptions): Promise<unknown>;
  /** `POST /rest/<path>` with a JSON body; resolves to the parsed JSON reply. */
  post(path: string, body: Record<string, unknown>, options?: RestOptions): Promise<unknown>;
  /** Requests sent and response body bytes received so far (for status and benchmarks). */
  stats(): { requests: number; bytes: number };
  /**
   * When a request of this router last settled (answered, failed, timed out, or gave up
   * waiting for a request slot), and the total time its requests waited for a slot: the
   * bridge's progress and lateness signals.
   */
  progress?(): { settledAt: number | undefined; waitedMs: number };
  close(): Promise<void>;
}
