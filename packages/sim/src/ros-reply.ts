/** What the simulated REST API answers, before it becomes HTTP. Pure. */

export type SimReply =
  /** A whole JSON body. */
  | { kind: 'json'; status: number; body: string; headers?: Record<string, string> }
  /** A 200 JSON body produced piece by piece (big connection tables). */
  | { kind: 'stream'; chunks: Iterable<string> }
  /** A command that takes time on the router (`/ping`): answer after `afterMs`. */
  | { kind: 'later'; afterMs: number; reply: () => SimReply };

export function jsonReply(value: unknown, status = 200): SimReply {
  return { kind: 'json', status, body: JSON.stringify(value) };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/**
 * An error body as RouterOS writes it: `{"detail":…,"error":400,"message":"Bad Request"}`,
 * keys in that order; no `detail` when the router gives none (401, 404, 415).
 */
export function rosError(status: number, detail?: string, headers?: Record<string, string>): SimReply {
  return { kind: 'json', status, body: JSON.stringify(rosErrorBody(status, detail)), ...(headers ? { headers } : {}) };
}

/** The error body alone, for the simulator and the test fakes. */
export function rosErrorBody(status: number, detail?: string): { detail?: string; error: number; message: string } {
  const message = REASONS[status] ?? 'Error';
  return detail === undefined ? { error: status, message } : { detail, error: status, message };
}

/** The 60 s command limit: what a command that never ends gets. */
export const COMMAND_LIMIT_MS = 60_000;

export function sessionClosed(): SimReply {
  return { kind: 'later', afterMs: COMMAND_LIMIT_MS, reply: () => rosError(400, 'Session closed') };
}
