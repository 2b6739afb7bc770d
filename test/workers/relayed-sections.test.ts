import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../src/metric-family.js';
import { joinRelayedSections, mergeFamilies } from '../../src/workers/relayed-sections.js';

const gauge = (value: number, labels = {}): MetricFamily => ({ name: 'tikprobe_overloaded', help: 'h', type: 'gauge', samples: [{ labels, value }] });
const histogram = (bounds: number[], counts: number[]): MetricFamily => ({ name: 'tikprobe_tick_lateness_seconds', help: 'h', type: 'histogram', bounds, series: [{ labels: {}, counts, sum: 1 }] });

describe('sections relayed from worker threads', () => {
  it('joins one section per name, each worker listed with its own status', () => {
    const [load, ...rest] = joinRelayedSections([
      { index: 0, sections: [{ name: 'load', status: { overloaded: false }, metrics: [gauge(0)] }] },
      { index: 1, sections: undefined },
      { index: 2, sections: [{ name: 'load', status: { overloaded: true }, metrics: [gauge(1)] }] },
    ]);
    expect(rest).toEqual([]);
    expect(load!.name).toBe('load');
    expect(load!.status()).toEqual({ workers: [{ worker: 0, overloaded: false }, { worker: 2, overloaded: true }] });
    expect(load!.metrics!()).toEqual([{ ...gauge(0), samples: [{ labels: { worker: '0' }, value: 0 }, { labels: { worker: '2' }, value: 1 }] }]);
  });

  it('labels every sample and histogram series with its worker, keeping labels it had', () => {
    const merged = mergeFamilies([
      { worker: 0, families: [gauge(3, { resource: 'cpu' }), histogram([0.1, 1], [1, 2, 0])] },
      { worker: 1, families: [gauge(4, { resource: 'cpu' }), histogram([0.1, 1], [0, 0, 5])] },
    ]);
    expect(merged.map((f) => f.name)).toEqual(['tikprobe_overloaded', 'tikprobe_tick_lateness_seconds']);
    const [g, h] = merged;
    expect(g!.type !== 'histogram' && g!.samples).toEqual([
      { labels: { resource: 'cpu', worker: '0' }, value: 3 },
      { labels: { resource: 'cpu', worker: '1' }, value: 4 },
    ]);
    expect(h!.type === 'histogram' && h!.series.map((s) => [s.labels, s.counts])).toEqual([
      [{ worker: '0' }, [1, 2, 0]],
      [{ worker: '1' }, [0, 0, 5]],
    ]);
  });

  it('drops a histogram series whose bounds disagree rather than writing counts against the wrong buckets', () => {
    const [h] = mergeFamilies([
      { worker: 0, families: [histogram([0.1, 1], [1, 2, 0])] },
      { worker: 1, families: [histogram([0.5], [1, 1])] },
    ]);
    expect(h!.type === 'histogram' && h!.series.map((s) => s.labels)).toEqual([{ worker: '0' }]);
  });

  it('wraps a status that is not an object', () => {
    const [s] = joinRelayedSections([{ index: 0, sections: [{ name: 'x', status: 7, metrics: [] }] }]);
    expect(s!.status()).toEqual({ workers: [{ worker: 0, status: 7 }] });
  });
});
