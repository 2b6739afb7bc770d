/**
 * A bounded in-memory window of monitor results per router, for the v0 API's
 * `/api/v1/monitor/{id}`, kept with the v0 dashboard's rules (naiba/nezha `v0-final`,
 * service/singleton/servicesentinel.go, `worker`):
 * - only ICMP and TCP monitors keep per-server history (HTTP monitors keep none);
 * - results are averaged in runs of `AvgPingCount` (2) per monitor and server, failures
 *   included with the 0 ms delay the agent reports for them; each run's average, capped at
 *   `MaxTCPPingValue` (1000 ms), is one history point, stamped when the run completes;
 * - points older than 24 h are not served; `created_at` is truncated to the minute.
 * One difference, for a bounded memory: points that fall in the same minute are merged into
 * their mean (v0 would list each with the same minute; only tasks faster than 30 s make more
 * than one point a minute). Nothing is persisted: a restart starts empty. Pure.
 *
 * Monitor ids: a Nezha monitor keeps its dashboard id; a Komari task's id is shifted by 2^32,
 * so the two never collide on one router. Ids outside 1..2^32-1 are not recorded.
 */
import type { MonitorRef } from '../../telemetry.js';

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

/** v0's `Conf.AvgPingCount` and `Conf.MaxTCPPingValue` defaults. */
export const AVG_PING_COUNT = 2;
export const MAX_PING_VALUE_MS = 1000;
const ID_SPACE = 2 ** 32;
const SOURCE_OFFSET: Readonly<Record<string, number>> = { nezha: 0, komari: ID_SPACE };

/** The id a monitor has in the v0 API, or undefined when it cannot have one. */
export function v0MonitorId(source: string, id: number): number | undefined {
  const offset = SOURCE_OFFSET[source];
  if (offset === undefined || !Number.isInteger(id) || id <= 0 || id >= ID_SPACE) return undefined;
  return offset + id;
}

interface Series {
  name: string;
  /** The run in progress: results so far and their mean. */
  runCount: number;
  runMean: number;
  minutes: number[];
  sums: number[];
  counts: number[];
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

  /** Records one result; `delayMs` undefined is a failure. */
  record(router: string, monitor: MonitorRef, atMs: number, delayMs: number | undefined): void {
    if (monitor.type !== 'icmp' && monitor.type !== 'tcp') return;
    const id = v0MonitorId(monitor.source, monitor.id);
    if (id === undefined) return;
    const series = this.seriesOf(router, id, monitor.name, atMs);
    const delay = delayMs !== undefined && Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    series.runCount++;
    series.runMean = (series.runMean * (series.runCount - 1) + delay) / series.runCount;
    if (series.runCount < AVG_PING_COUNT) return;
    const point = Math.min(series.runMean, MAX_PING_VALUE_MS);
    series.runCount = 0;
    series.runMean = 0;
    this.prune(series, atMs);
    const minute = Math.floor(atMs / MINUTE) * MINUTE;
    const last = series.minutes.length - 1;
    if (last >= 0 && series.minutes[last] === minute) {
      series.sums[last]! += point;
      series.counts[last]! += 1;
    } else if (last < 0 || (series.minutes[last] ?? 0) < minute) {
      series.minutes.push(minute);
      series.sums.push(point);
      series.counts.push(1);
    }
  }

  /** The router's monitors, by id, with their points inside the window ending at `nowMs`. */
  query(router: string, nowMs: number): MonitorSeries[] {
    const monitors = this.routers.get(router);
    if (monitors === undefined) return [];
    const out: MonitorSeries[] = [];
    for (const [monitorId, series] of [...monitors.entries()].sort(([a], [b]) => a - b)) {
      this.prune(series, nowMs);
      if (series.minutes.length === 0) continue;
      out.push({
        monitorId,
        monitorName: series.name,
        createdAt: [...series.minutes],
        avgDelay: series.sums.map((sum, i) => sum / (series.counts[i] ?? 1)),
      });
    }
    return out;
  }

  forget(router: string): void {
    this.routers.delete(router);
  }

  private seriesOf(router: string, id: number, name: string, atMs: number): Series {
    let monitors = this.routers.get(router);
    if (monitors === undefined) {
      monitors = new Map();
      this.routers.set(router, monitors);
    }
    let series = monitors.get(id);
    if (series === undefined) {
      series = { name, runCount: 0, runMean: 0, minutes: [], sums: [], counts: [], touched: atMs };
      monitors.set(id, series);
      this.evict(monitors);
    }
    series.name = name;
    series.touched = atMs;
    return series;
  }

  private prune(series: Series, nowMs: number): void {
    const oldest = nowMs - this.windowMs;
    let drop = 0;
    while (drop < series.minutes.length && (series.minutes[drop] ?? 0) < oldest) drop++;
    if (drop === 0) return;
    series.minutes.splice(0, drop);
    series.sums.splice(0, drop);
    series.counts.splice(0, drop);
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
