/**
 * Metric families as data, before they are written in the exposition format
 * (status/prom-text.ts): any layer may describe its own series with these types.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface ScalarFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: readonly Sample[];
}

export interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket, not cumulative: `counts[i]` fell in (bounds[i-1], bounds[i]]; the last entry is above every bound. */
  counts: readonly number[];
  sum: number;
}

export interface HistogramFamily {
  name: string;
  help: string;
  type: 'histogram';
  /** Upper bounds, ascending, without +Inf. */
  bounds: readonly number[];
  series: readonly HistogramSeries[];
}

export type MetricFamily = ScalarFamily | HistogramFamily;
