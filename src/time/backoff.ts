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

const policies = new Map<string, Readonly<BackoffPolicy>>();

/** One frozen policy per distinct value, shared by every loop that uses it (two per router). */
export function sharedPolicy(baseMs: number, capMs: number, jitter: number): Readonly<BackoffPolicy> {
  const key = `${baseMs}:${capMs}:${jitter}`;
  let policy = policies.get(key);
  if (policy === undefined) {
    policy = Object.freeze({ baseMs, capMs, jitter });
    // Distinct intervals of one configuration: a handful; bounded all the same.
    if (policies.size < 1024) policies.set(key, policy);
  }
  return policy;
}
