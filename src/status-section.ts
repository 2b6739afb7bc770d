/**
 * What a part of the daemon that is not one router adds to the status server: a block of its
 * own in `/status` and families of its own in `/metrics` (the cluster membership of this
 * replica, the bridge's load), and extra endpoints that declare who may call them. The
 * status server only consumes these; their producers never import it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricFamily } from './metric-family.js';

export interface StatusSection {
  /** The key of the block in `/status` (lower camel case, unique). */
  readonly name: string;
  /** The block: plain JSON values only; called per request, so it reads, never waits. */
  status(): unknown;
  /** Families of its own in `/metrics` (names unique across the whole exposition). */
  metrics?(): readonly MetricFamily[];
}

/** A handler on the status server; returns false for paths it does not serve. */
export type StatusHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

/**
 * An extra endpoint. `status-token`: answered only to a caller with `status.token`, like
 * `/status` (the server checks it before the handler runs). `own`: the handler checks its
 * callers itself (an API that mimics another product's authentication).
 */
export interface StatusRoute {
  readonly auth: 'status-token' | 'own';
  readonly handle: StatusHandler;
}
