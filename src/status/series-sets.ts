/**
 * The in-memory series the metrics registry keeps between scrapes: counters and gauges keyed
 * by their labels, and histograms. Updates are cheap and never throw (they run on the hot
 * path of every poll). Every set drops the series of routers no longer configured. Pure.
 */
import type { HistogramSeries, Labels, Sample } from './prom-text.js';

/**
 * A series' key: its label values in order, each ended by a NUL. A set holds one family, and
 * a family's series all carry the same label names in the same order (one label set per
 * family, and one call site each in the registry), so the values alone tell them apart; no
 * value holds a NUL (router names are `[A-Za-z0-9._-]`, the rest are the code's own words and
 * numbers). A third of the cost of JSON.stringify on every event.
 */
function seriesKey(labels: Labels): string {
  let key = '';
  for (const name in labels) key += `${labels[name]}\u0000`;
  return key;
}

/** Drops the series of routers no longer configured (after a reload), so memory stays bounded. */
function retainRouters(series: Map<string, { labels: Labels }>, routers: ReadonlySet<string>): void {
  for (const [key, s] of series) if (!routers.has(s.labels.router ?? '')) series.delete(key);
}

export class CounterSet {
  private readonly series = new Map<string, { labels: Labels; value: number }>();

  add(labels: Labels, by = 1): void {
    const key = seriesKey(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }

  set(labels: Labels, value: number): void {
    this.series.set(seriesKey(labels), { labels, value });
  }

  get(labels: Labels): number | undefined {
    return this.series.get(seriesKey(labels))?.value;
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
    const key = seriesKey(labels);
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
