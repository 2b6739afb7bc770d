/**
 * Report punctuality for the fleet benchmark. Pure.
 *
 * A router's schedule is an anchor plus k × interval; its k-th report is compared with slot
 * k. A slot counts as due once its on-time deadline (slot + tolerance) has passed before the
 * window ended; a due slot without a report is a miss, so a bridge that drops or delays
 * cycles cannot look punctual.
 *
 * Anchors: `first` is the router's first report. `median` is the router's typical phase
 * (the median of report k minus k × interval), so a first report that came late, e.g.
 * because the first poll also fetched the static facts, does not shift every later slot;
 * drift and jitter still show.
 */

export interface LatenessOptions {
  intervalMs: number;
  /** A report within this much of its slot (early or late) is on time. */
  toleranceMs: number;
  /** Epoch ms when measuring stopped. */
  windowEnd: number;
  /** Epoch ms when measuring started: slots for routers that never reported count from here. */
  windowStart: number;
  /** Default `first`. */
  anchor?: 'first' | 'median';
}

export interface LatenessSummary {
  routers: number;
  silentRouters: number;
  /** Slots that were due. */
  due: number;
  /** Due slots that had a report. */
  delivered: number;
  /** Due slots whose report came within the tolerance. */
  onTime: number;
  onTimeShare: number;
  /** Lateness in ms of delivered reports (negative: early). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of a sorted array; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

function medianPhase(times: readonly number[], intervalMs: number): number {
  const phases = times.map((t, k) => t - k * intervalMs).sort((a, b) => a - b);
  return phases[Math.floor((phases.length - 1) / 2)] as number;
}

/** `arrivals`: for each router, its report arrival times (epoch ms), ascending. */
export function summariseLateness(arrivals: readonly (readonly number[])[], o: LatenessOptions): LatenessSummary {
  const lateness: number[] = [];
  let due = 0;
  let delivered = 0;
  let onTime = 0;
  let silent = 0;
  for (const times of arrivals) {
    const first = times[0];
    if (first === undefined) {
      silent++;
      due += Math.max(0, Math.floor((o.windowEnd - o.windowStart) / o.intervalMs));
      continue;
    }
    const anchor = o.anchor === 'median' ? medianPhase(times, o.intervalMs) : first;
    const slots = Math.max(0, Math.floor((o.windowEnd - o.toleranceMs - anchor) / o.intervalMs) + 1);
    due += slots;
    const n = Math.min(slots, times.length);
    for (let k = 0; k < n; k++) {
      const late = (times[k] as number) - (anchor + k * o.intervalMs);
      lateness.push(late);
      delivered++;
      if (Math.abs(late) <= o.toleranceMs) onTime++;
    }
  }
  lateness.sort((a, b) => a - b);
  return {
    routers: arrivals.length,
    silentRouters: silent,
    due,
    delivered,
    onTime,
    onTimeShare: due === 0 ? 0 : onTime / due,
    p50Ms: percentile(lateness, 50),
    p99Ms: percentile(lateness, 99),
    maxMs: lateness.at(-1) ?? 0,
  };
}
