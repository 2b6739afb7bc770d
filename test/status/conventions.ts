/**
 * The Prometheus naming conventions, as `promtool check metrics` (promlint) and the
 * Prometheus docs state them, checked on a parsed exposition. Pure: returns one line per
 * problem.
 */
import type { ParsedFamily } from './prom-parse.js';

const SNAKE = /^[a-z][a-z0-9_]*$/;
/** Units promlint wants in base form, and abbreviations it flags. */
const NON_BASE = /(^|_)(milliseconds|microseconds|nanoseconds|minutes|hours|days|kilobytes|megabytes|gigabytes|kilobits|megabits|bits|percent|percentage|celsius_milli|ms|us|ns|sec|secs|kb|mb|gb|pct)(_|$)/;
const TYPE_WORDS = /(^|_)(counter|gauge|histogram|summary)(_|$)/;
const PREFIXES = ['tikprobe_', 'process_', 'nodejs_'];
const TARGET_LABELS = new Set(['job', 'instance']);
const UNIT_LABELS = new Set(['unit', 'units', 'seconds', 'bytes', 'metric_type']);

export function conventionProblems(families: ReadonlyMap<string, ParsedFamily>): string[] {
  const out: string[] = [];
  for (const f of families.values()) {
    const n = f.name;
    const say = (what: string) => out.push(`${n}: ${what}`);
    if (!SNAKE.test(n)) say('not snake_case');
    if (!PREFIXES.some((p) => n.startsWith(p))) say(`no ${PREFIXES.join('/')} prefix`);
    if (f.help.trim() === '') say('no HELP');
    if (f.type === 'counter' && !n.endsWith('_total')) say('counter without _total');
    if (f.type !== 'counter' && n.endsWith('_total')) say('_total on a non-counter');
    if (f.type !== 'histogram' && f.type !== 'summary' && /_(count|sum|bucket)$/.test(n)) say('_count/_sum/_bucket suffix outside a histogram');
    if (NON_BASE.test(n)) say('unit not in base form (seconds, bytes, ratio)');
    if (TYPE_WORDS.test(n)) say('metric type in the name');
    if (n.endsWith('_info') && f.samples.some((s) => s.value !== 1)) say('_info metric with a value other than 1');
    if (n.endsWith('_timestamp_seconds') && f.type !== 'gauge') say('timestamp that is not a gauge');
    const labelSets = new Set<string>();
    for (const s of f.samples) {
      const names = Object.keys(s.labels).filter((l) => !(f.type === 'histogram' && l === 'le'));
      for (const l of names) {
        if (!SNAKE.test(l)) say(`label ${l} not snake_case`);
        if (l === 'le' || l === 'quantile') say(`reserved label ${l}`);
        if (l.startsWith('__')) say(`reserved label ${l}`);
        // Target labels the server attaches: a metric label of that name is renamed exported_*.
        if (TARGET_LABELS.has(l)) say(`label ${l} collides with a target label`);
        // A unit or a type belongs in the name, never in a label.
        if (UNIT_LABELS.has(l)) say(`label ${l} holds a unit or type`);
      }
      labelSets.add(names.sort().join(','));
    }
    // One family, one label set: a series that lacks a label collides with the others in aggregations.
    if (labelSets.size > 1) say(`label sets differ between series: ${[...labelSets].join(' | ')}`);
  }
  return out;
}
