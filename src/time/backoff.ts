/** Exponential backoff with jitter. Pure. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** 0.2 = each delay is drawn from ±20 % around the nominal value. */
  jitter: number;
}

/** Delay before retry number `attempt` (1 = the first retry after one failure). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const spread = exp * policy.jitter;
  const jittered = exp - spread + random() * 2 * spread;
  return Math.max(0, Math.min(policy.capMs, Math.round(jittered)));
}
