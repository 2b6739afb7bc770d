/**
 * The in-memory series the metrics registry keeps between scrapes: counters and gauges keyed
 * by their labels, and histograms. Updates are cheap and never throw (they run on the hot
 * path of every poll). Every set drops the series of routers no longer configured. Pure.
 */
import type { HistogramSeries, Labels, Sample } from './prom-text.js';

/** Drops the series of routers no longer configured (after a reload), so memory stays bounded. */
function retainRouters(series: Map<string, { labels: Labels }>, routers: ReadonlySet<string>): void {
  for (const [key, s] of series) if (!routers.has(s.labels.router ?? '')) series.delete(key);
}

export class CounterSet {
  private readonly series = new Map<string, { labels: Labels; value: number }>();

  add(labels: Labels, by = 1): void {
    const key = JSON.stringify(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }

  set(labels: Labels, value: number): void {
    this.series.set(JSON.stringify(labels), { labels, value });
  }

  get(labels: Labels): number | undefined {
    return this.series.get(JSON.stringify(labels))?.value;
  }

  samples(): Sample[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }

  retain(routers: ReadonlySet<string>): void {
    retainRouters(this.series, routers);
  }
}

export class HistogramSet {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number }>();

  constructor(readonly bounds: readonly number[]) {}

  observe(labels: Labels, value: number): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 };
      this.series.set(key, s);
    }
    const i = this.bounds.findIndex((b) => value <= b);
    s.counts[i === -1 ? this.bounds.length : i]! += 1;
    s.sum += value;
  }

  snapshot(): HistogramSeries[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, counts: [...s.counts], sum: s.sum }));
  }

  retain(routers: ReadonlySet<string>): void {
    retainRouters(this.series, routers);
  }
}
