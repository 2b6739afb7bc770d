/**
 * Every metric name and label against the conventions, with every family populated: a
 * router up (per-protocol connections), one that counts only its whole tracking table, one
 * down, ping tasks of two integrations with a loss, integration delivery and link activity.
 * Runs in every environment; promtool.test.ts adds the real linter where it is installed.
 */
import { describe, expect, it } from 'vitest';
import { conventionProblems } from './conventions.js';
import { populatedExposition } from './populated.js';
import { parseExposition } from './prom-parse.js';

describe('metric names and labels', () => {
  it('follow the Prometheus conventions in every family', () => {
    const families = parseExposition(populatedExposition());
    expect(conventionProblems(families)).toEqual([]);
    // Every family the registry knows is populated here, so the check saw them all.
    for (const f of families.values()) expect(f.samples.length, f.name).toBeGreaterThan(0);
    for (const name of ['tikprobe_router_cpu_cores', 'tikprobe_router_connection_tracking_entries', 'process_cpu_seconds_total', 'nodejs_version_info']) {
      expect(families.has(name), name).toBe(true);
    }
    expect(families.has('tikprobe_router_cpu_count')).toBe(false);
  });

  it('the checker itself catches each kind of mistake', () => {
    const text = [
      '# HELP tikprobe_x_count c',
      '# TYPE tikprobe_x_count gauge',
      'tikprobe_x_count 1',
      '# HELP tikprobe_y_total y',
      '# TYPE tikprobe_y_total gauge',
      'tikprobe_y_total 1',
      '# HELP tikprobe_lat_milliseconds l',
      '# TYPE tikprobe_lat_milliseconds gauge',
      'tikprobe_lat_milliseconds 1',
      '# HELP tikprobe_z z',
      '# TYPE tikprobe_z gauge',
      'tikprobe_z{router="a",protocol="tcp"} 1',
      'tikprobe_z{router="a"} 1',
      '# HELP tikprobe_w w',
      '# TYPE tikprobe_w gauge',
      'tikprobe_w{instance="a",unit="ms"} 1',
      '',
    ].join('\n');
    const problems = conventionProblems(parseExposition(text));
    expect(problems).toEqual([
      'tikprobe_x_count: _count/_sum/_bucket suffix outside a histogram',
      'tikprobe_y_total: _total on a non-counter',
      'tikprobe_lat_milliseconds: unit not in base form (seconds, bytes, ratio)',
      'tikprobe_z: label sets differ between series: protocol,router | router',
      'tikprobe_w: label instance collides with a target label',
      'tikprobe_w: label unit holds a unit or type',
    ]);
  });
});
