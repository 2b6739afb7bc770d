/**
 * The status sections every worker's bridge computes (e.g. `load`), joined on the main
 * thread: one section per name whose status lists each worker's, and whose metric
 * families carry a `worker` label on every sample. Pure.
 */
import type { MetricFamily } from '../metric-family.js';
import type { StatusSection } from '../status-section.js';
import type { RelayedSection } from './protocol.js';

export interface WorkerSections {
  index: number;
  sections: readonly RelayedSection[] | undefined;
}

export function joinRelayedSections(workers: readonly WorkerSections[]): StatusSection[] {
  const names = [...new Set(workers.flatMap((w) => (w.sections ?? []).map((s) => s.name)))];
  return names.map((name) => {
    const parts = workers.flatMap((w) => {
      const s = w.sections?.find((x) => x.name === name);
      return s ? [{ worker: w.index, section: s }] : [];
    });
    return {
      name,
      status: () => ({ workers: parts.map((p) => ({ worker: p.worker, ...asObject(p.section.status) })) }),
      metrics: () => mergeFamilies(parts.map((p) => ({ worker: p.worker, families: p.section.metrics }))),
    };
  });
}

function asObject(status: unknown): Record<string, unknown> {
  return typeof status === 'object' && status !== null && !Array.isArray(status) ? (status as Record<string, unknown>) : { status };
}

/** Families of the same name from several workers become one, each sample labelled with its worker. */
export function mergeFamilies(parts: readonly { worker: number; families: readonly MetricFamily[] }[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const { worker, families } of parts) {
    for (const f of families) byName.set(f.name, joinFamily(byName.get(f.name), f, String(worker)));
  }
  return [...byName.values()];
}

function joinFamily(into: MetricFamily | undefined, f: MetricFamily, worker: string): MetricFamily {
  if (f.type === 'histogram') {
    const series = f.series.map((s) => ({ ...s, labels: { ...s.labels, worker } }));
    // Bounds come from the same code in every worker; a family that disagrees keeps the first's.
    return into?.type === 'histogram' ? { ...into, series: [...into.series, ...(sameBounds(into.bounds, f.bounds) ? series : [])] } : { ...f, series };
  }
  const samples = f.samples.map((s) => ({ ...s, labels: { ...s.labels, worker } }));
  return into !== undefined && into.type !== 'histogram' ? { ...into, samples: [...into.samples, ...samples] } : { ...f, samples };
}

const sameBounds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
