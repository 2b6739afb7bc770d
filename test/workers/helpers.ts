/**
 * Waiting helpers for the worker-thread tests, which run real threads on real time (a fake
 * clock cannot reach into another thread).
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `ok` every `intervalMs` until it holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, ok: () => boolean, { timeoutMs = 5_000, intervalMs = 50 } = {}): Promise<void> {
  for (const end = Date.now() + timeoutMs; !ok(); await sleep(intervalMs)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}
