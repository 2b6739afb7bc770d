import { describe, expect, it } from 'vitest';
import { escapeLabelValue, expositionPieces, formatValue, type MetricFamily } from '../../src/status/prom-text.js';

const renderExposition = (families: MetricFamily[]): string => [...expositionPieces(families)].join('');
import { parseExposition, seriesValue } from './prom-parse.js';

describe('renderExposition', () => {
  it('writes HELP and TYPE before the samples of each family, even a family without samples', () => {
    const text = renderExposition([
      { name: 'a_total', help: 'A counter.', type: 'counter', samples: [{ labels: { router: 'r1' }, value: 3 }] },
      { name: 'b', help: 'Empty for now.', type: 'gauge', samples: [] },
    ]);
    expect(text).toBe('# HELP a_total A counter.\n# TYPE a_total counter\na_total{router="r1"} 3\n# HELP b Empty for now.\n# TYPE b gauge\n');
    expect(parseExposition(text).get('b')?.samples).toEqual([]);
  });

  it('escapes backslash, quote and newline in label values so a hostile router name cannot forge a series', () => {
    const name = 'evil"} 1\nforged{x="\\';
    const text = renderExposition([{ name: 'g', help: 'h', type: 'gauge', samples: [{ labels: { router: name }, value: 1 }] }]);
    const families = parseExposition(text);
    expect(families.get('g')?.samples).toEqual([{ name: 'g', labels: { router: name }, value: 1 }]);
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('writes histograms cumulatively with +Inf equal to _count', () => {
    const text = renderExposition([
      {
        name: 'd_seconds',
        help: 'h',
        type: 'histogram',
        bounds: [0.1, 1],
        series: [{ labels: { router: 'r' }, counts: [2, 1, 4], sum: 12.5 }],
      },
    ]);
    const f = parseExposition(text);
    expect(seriesValue(f, 'd_seconds_bucket', { router: 'r', le: '0.1' })).toBe(2);
    expect(seriesValue(f, 'd_seconds_bucket', { router: 'r', le: '1' })).toBe(3);
    expect(seriesValue(f, 'd_seconds_bucket', { router: 'r', le: '+Inf' })).toBe(7);
    expect(seriesValue(f, 'd_seconds_count', { router: 'r' })).toBe(7);
    expect(seriesValue(f, 'd_seconds_sum', { router: 'r' })).toBe(12.5);
  });

  it('writes a bucket line as the series labels then le, escaped, byte for byte', () => {
    const text = renderExposition([{ name: 'h', help: 'x', type: 'histogram', bounds: [0.5], series: [{ labels: { router: 'a"b', part: 'p' }, counts: [1, 2], sum: 4 }] }]);
    expect(text.split('\n').slice(2, 6)).toEqual(['h_bucket{router="a\\"b",part="p",le="0.5"} 1', 'h_bucket{router="a\\"b",part="p",le="+Inf"} 3', 'h_sum{router="a\\"b",part="p"} 4', 'h_count{router="a\\"b",part="p"} 3']);
  });

  it('spells special values the way Prometheus reads them', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatValue(0.25)).toBe('0.25');
    expect(formatValue(194632346152)).toBe('194632346152');
  });

  it('refuses a metric or label name Prometheus would reject', () => {
    expect(() => renderExposition([{ name: 'bad-name', help: 'h', type: 'gauge', samples: [] }])).toThrow(/metric name/);
    expect(() => renderExposition([{ name: 'g', help: 'h', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }])).toThrow(/label name/);
  });
});
