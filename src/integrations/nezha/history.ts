/**
 * A bounded in-memory window of ping-task results per router, for the v0 API's
 * `/api/v1/monitor/{id}`: per monitor, one point per minute (the average delay of that
 * minute's successful results), for the last 24 h. Losses add no point (as a gap, the way
 * the v0 dashboard's chart shows them). Nothing is persisted: a restart starts empty.
 * Pure: time comes in as arguments.
 */

export interface MonitorSeries {
  monitorId: number;
  monitorName: string;
  /** Epoch ms, each truncated to the minute, ascending. */
  createdAt: number[];
  /** Milliseconds, one per `createdAt`. */
  avgDelay: number[];
}

export interface PingHistoryOptions {
  windowMs?: number;
  /** Monitors kept per router; the one updated longest ago is dropped beyond this. */
  maxMonitors?: number;
}

interface Bucket {
  minute: number;
  sum: number;
  count: number;
}

interface Series {
  name: string;
  buckets: Bucket[];
  touched: number;
}

const MINUTE = 60_000;

export class PingHistory {
  private readonly routers = new Map<string, Map<number, Series>>();
  private readonly windowMs: number;
  private readonly maxMonitors: number;

  constructor(options: PingHistoryOptions = {}) {
    this.windowMs = options.windowMs ?? 24 * 60 * MINUTE;
    this.maxMonitors = options.maxMonitors ?? 32;
  }

  /** Records one result; `delayMs` undefined is a loss. */
  record(router: string, monitorId: number, monitorName: string, atMs: number, delayMs: number | undefined): void {
    let monitors = this.routers.get(router);
    if (monitors === undefined) {
      monitors = new Map();
      this.routers.set(router, monitors);
    }
    let series = monitors.get(monitorId);
    if (series === undefined) {
      series = { name: monitorName, buckets: [], touched: atMs };
      monitors.set(monitorId, series);
      this.evict(monitors);
    }
    series.name = monitorName;
    series.touched = atMs;
    this.prune(series, atMs);
    if (delayMs === undefined || !Number.isFinite(delayMs)) return;
    const minute = Math.floor(atMs / MINUTE) * MINUTE;
    const last = series.buckets[series.buckets.length - 1];
    if (last !== undefined && last.minute === minute) {
      last.sum += delayMs;
      last.count++;
    } else if (last === undefined || last.minute < minute) {
      series.buckets.push({ minute, sum: delayMs, count: 1 });
    }
  }

  /** The router's monitors, by id, with their points inside the window ending at `nowMs`. */
  query(router: string, nowMs: number): MonitorSeries[] {
    const monitors = this.routers.get(router);
    if (monitors === undefined) return [];
    const out: MonitorSeries[] = [];
    for (const [monitorId, series] of [...monitors.entries()].sort(([a], [b]) => a - b)) {
      this.prune(series, nowMs);
      if (series.buckets.length === 0) continue;
      out.push({
        monitorId,
        monitorName: series.name,
        createdAt: series.buckets.map((b) => b.minute),
        avgDelay: series.buckets.map((b) => b.sum / b.count),
      });
    }
    return out;
  }

  forget(router: string): void {
    this.routers.delete(router);
  }

  private prune(series: Series, nowMs: number): void {
    const oldest = nowMs - this.windowMs;
    let drop = 0;
    while (drop < series.buckets.length && (series.buckets[drop]?.minute ?? 0) < oldest) drop++;
    if (drop > 0) series.buckets.splice(0, drop);
  }

  private evict(monitors: Map<number, Series>): void {
    while (monitors.size > this.maxMonitors) {
      let oldestId: number | undefined;
      let oldest = Number.POSITIVE_INFINITY;
      for (const [id, s] of monitors) {
        if (s.touched < oldest) {
          oldest = s.touched;
          oldestId = id;
        }
      }
      if (oldestId === undefined) return;
      monitors.delete(oldestId);
    }
  }
}
