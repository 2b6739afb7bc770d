/**
 * Report punctuality for the fleet benchmark. Pure.
 *
 * A router's schedule is an anchor plus k × interval; its k-th report is compared with slot
 * k. A slot counts as due once its on-time deadline (slot + tolerance) has passed before the
 * window ended; a due slot without a report is a miss, so a bridge that drops or delays
 * cycles cannot look punctual.
 *
 * Anchors: `first` is the router's first report. `grid` is the router's own beat fitted to
 * its reports, each slot matched to the nearest report instead of by count (see
 * `summariseOnGrid`), so a first report that came late, e.g. because the first poll also
 * fetched the static facts, does not shift every later slot; drift and jitter still show.
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
  anchor?: 'first' | 'grid';
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

/** Distance of `a` from `b` on a circle of `period`. */
function circular(a: number, b: number, period: number): number {
  const d = (((a - b) % period) + period) % period;
  return Math.min(d, period - d);
}

/** The report that best gives the router's beat: the most others within the tolerance of its phase, then the least spread. */
function gridAnchor(times: readonly number[], o: LatenessOptions): number {
  let best = times[0] as number;
  let bestCount = -1;
  let bestSpread = Number.POSITIVE_INFINITY;
  for (const t of times) {
    let count = 0;
    let spread = 0;
    for (const u of times) {
      const d = circular(u, t, o.intervalMs);
      if (d <= o.toleranceMs) count++;
      spread += d;
    }
    if (count > bestCount || (count === bestCount && spread < bestSpread)) {
      best = t;
      bestCount = count;
      bestSpread = spread;
    }
  }
  return best;
}

/**
 * One router on its own grid: the slots of the fitted beat from the window's start to its
 * end, each taking the nearest report within half an interval that no earlier slot took. A
 * report that came late and the on-beat one right after it (a catch-up) cost one slot, where
 * matching by count shifts every later report by an interval; a missing report is a miss,
 * a surplus one counts for nothing.
 */
function summariseOnGrid(times: readonly number[], o: LatenessOptions, lateness: number[]): { due: number; delivered: number; onTime: number } {
  const anchor = gridAnchor(times, o);
  const half = o.intervalMs / 2;
  let slot = anchor - Math.floor((anchor - o.windowStart) / o.intervalMs) * o.intervalMs;
  let next = 0;
  let due = 0;
  let delivered = 0;
  let onTime = 0;
  for (; slot + o.toleranceMs <= o.windowEnd; slot += o.intervalMs) {
    due++;
    while (next < times.length && (times[next] as number) < slot - half) next++;
    let pick = -1;
    for (let j = next; j < times.length && (times[j] as number) < slot + half; j++) {
      if (pick === -1 || Math.abs((times[j] as number) - slot) < Math.abs((times[pick] as number) - slot)) pick = j;
    }
    if (pick === -1) continue;
    const late = (times[pick] as number) - slot;
    lateness.push(late);
    delivered++;
    if (Math.abs(late) <= o.toleranceMs) onTime++;
    next = pick + 1;
  }
  return { due, delivered, onTime };
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
    if (o.anchor === 'grid') {
      const r = summariseOnGrid(times, o, lateness);
      due += r.due;
      delivered += r.delivered;
      onTime += r.onTime;
      continue;
    }
    const slots = Math.max(0, Math.floor((o.windowEnd - o.toleranceMs - first) / o.intervalMs) + 1);
    due += slots;
    const n = Math.min(slots, times.length);
    for (let k = 0; k < n; k++) {
      const late = (times[k] as number) - (first + k * o.intervalMs);
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
