/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: three metric types,
 * label escaping and number spelling are all a scraper needs. Pure.
 */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

import type { HistogramFamily, Labels, MetricFamily } from '../metric-family.js';

export type { HistogramFamily, HistogramSeries, Labels, MetricFamily, Sample, ScalarFamily } from '../metric-family.js';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The exposition (every family with its HELP and TYPE, then its samples) as pieces, a line
 * each with its newline: a large fleet's exposition is written in slices (paced-reply.ts).
 */
export function* expositionPieces(families: Iterable<MetricFamily>): Generator<string> {
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`invalid metric name ${f.name}`);
    yield `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    if (f.type === 'histogram') for (const l of histogramLines(f)) yield `${l}\n`;
    else for (const s of f.samples) yield `${sampleLine(f.name, s.labels, s.value)}\n`;
  }
}

function histogramLines(f: HistogramFamily): string[] {
  const out: string[] = [];
  for (const s of f.series) {
    // The series' own pairs once; each bucket line adds its `le` last.
    const pairs = labelPairs(s.labels);
    const bucket = (le: string, count: number) => line(`${f.name}_bucket`, [...pairs, `le="${le}"`], count);
    let cumulative = 0;
    f.bounds.forEach((bound, i) => {
      cumulative += s.counts[i] ?? 0;
      out.push(bucket(formatValue(bound), cumulative));
    });
    cumulative += s.counts[f.bounds.length] ?? 0;
    out.push(bucket('+Inf', cumulative));
    out.push(line(`${f.name}_sum`, pairs, s.sum));
    out.push(line(`${f.name}_count`, pairs, cumulative));
  }
  return out;
}

function sampleLine(name: string, labels: Labels, value: number): string {
  return line(name, labelPairs(labels), value);
}

function labelPairs(labels: Labels): string[] {
  return Object.entries(labels).map(([k, v]) => {
    if (!LABEL.test(k)) throw new Error(`invalid label name ${k}`);
    return `${k}="${escapeLabelValue(v)}"`;
  });
}

function line(name: string, pairs: readonly string[], value: number): string {
  return pairs.length > 0 ? `${name}{${pairs.join(',')}} ${formatValue(value)}` : `${name} ${formatValue(value)}`;
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's ParseFloat spelling, which is what Prometheus reads. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
