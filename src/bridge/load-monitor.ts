/**
 * The bridge's load, as `/status` ("load"), `/metrics` and two log lines show it: every
 * router loop reports its finished ticks here; every 5 s (on a tick's end, so no timer of
 * its own) the counters are sampled, the last minute's figures computed (load-estimate.ts)
 * and the overloaded state moved with hysteresis, once the fleet's start is over. One warning
 * when overload starts, with the figures and what to do; one line when it ends.
 */
import type { Logger } from '../log.js';
import type { MetricFamily } from '../metric-family.js';
import type { StatusSection } from '../status-section.js';
import type { SlotFigures } from '../time/request-slots.js';
import { LATENESS_BOUNDS, type LoadFigures, type LoadSample, type LoadState, loadFigures, nextLoadState, sampleOf, startupOver, TickLedger } from './load-estimate.js';

const SAMPLE_EVERY_MS = 5000;
const WINDOW_MS = 60_000;

export interface LoadMonitorDeps {
  now: () => number;
  /** Event-loop busy milliseconds since the start (perf_hooks' eventLoopUtilization().active). */
  cpuBusyMs: () => number;
  /** The current request slots' figures and size (they are rebuilt when `concurrency` changes). */
  slots: () => (SlotFigures & { size: number }) | undefined;
  logger: Logger;
}

export class LoadMonitor implements StatusSection {
  readonly name = 'load';
  readonly ledger = new TickLedger();
  private samples: LoadSample[] = [];
  private state: LoadState;
  private figures: LoadFigures | undefined;
  /** The fleet's first polls and their catch-up: not judged (load-estimate.ts, startupOver). */
  private starting = true;

  constructor(private readonly deps: LoadMonitorDeps) {
    // While the fleet starts, the state never changes: its `since` is when the monitor began.
    this.state = { overloaded: false, since: deps.now() };
    this.samples.push(this.take(this.state.since));
  }

  get overloaded(): boolean {
    return this.state.overloaded;
  }

  /** One router loop finished a tick (see TickLedger.record); `first`: the router's first. */
  tickEnded(intervalMs: number, slotAt: number, startedAt: number, waitedMs: number, delivered: boolean, first = false): void {
    const now = this.deps.now();
    this.ledger.record(intervalMs, slotAt, startedAt, now, waitedMs, delivered);
    if (first) this.ledger.started += 1;
    if (now - this.samples[this.samples.length - 1]!.at >= SAMPLE_EVERY_MS) this.sample(now);
  }

  status(): unknown {
    const f = this.figures;
    const slots = this.deps.slots();
    return {
      overloaded: this.state.overloaded,
      since: new Date(this.state.since).toISOString(),
      starting: this.starting,
      routers: this.ledger.routers,
      windowS: f === undefined ? 0 : Math.round(f.windowMs / 1000),
      lateShare: round(f?.lateShare ?? 0),
      needed: { cpu: roundOrNull(f?.cpuRatio), requests: roundOrNull(f?.requestRatio) },
      limitedBy: f?.limitedBy ?? null,
      capacityRouters: f?.capacityRouters ?? null,
      eventLoopBusyShare: round(f?.busyShare ?? 0),
      cpuMsPerRouterCycle: roundOrNull(f?.cpuMsPerCycle),
      requests: { active: slots?.active ?? 0, waiting: slots?.waiting ?? 0, slots: slots?.size ?? 0, meanWaitMs: Math.round(f?.meanWaitMs ?? 0) },
    };
  }

  metrics(): readonly MetricFamily[] {
    const f = this.figures;
    const slots = this.deps.slots();
    const gauge = (name: string, help: string, value: number | undefined): MetricFamily => ({ name, help, type: 'gauge', samples: value === undefined ? [] : [{ labels: {}, value }] });
    return [
      gauge('tikprobe_overloaded', '1 while the bridge is overloaded (at least 5 % of polls delayed by the bridge over the last minute, until at most 1 %), else 0.', this.state.overloaded ? 1 : 0),
      gauge('tikprobe_polls_late_ratio', 'Share of due polls the bridge delayed by more than a fifth of their interval, over the last minute.', f?.lateShare ?? 0),
      {
        name: 'tikprobe_load_ratio',
        help: 'What the fleet needs of a resource over what the process has, at the cost measured over the last minute (cpu: event-loop time against one core; requests: request-slot time against concurrency). Above 1: overloaded.',
        type: 'gauge',
        samples: [
          ...(f?.cpuRatio === undefined ? [] : [{ labels: { resource: 'cpu' }, value: f.cpuRatio }]),
          ...(f?.requestRatio === undefined ? [] : [{ labels: { resource: 'requests' }, value: f.requestRatio }]),
        ],
      },
      gauge('tikprobe_capacity_routers', 'Routers this process can carry at the cost measured over the last minute, with 20 % headroom.', f?.capacityRouters),
      gauge('tikprobe_requests_waiting', 'Router requests waiting for one of the concurrency slots now.', slots?.waiting ?? 0),
      {
        name: 'tikprobe_tick_lateness_seconds',
        help: 'How long the bridge delayed each router poll: its loop woke after its slot, or its requests waited for a request slot.',
        type: 'histogram',
        bounds: LATENESS_BOUNDS,
        series: [{ labels: {}, counts: [...this.ledger.latenessCounts], sum: this.ledger.latenessSumS }],
      },
    ];
  }

  private take(at: number): LoadSample {
    const slots = this.deps.slots();
    return sampleOf(this.ledger, at, this.deps.cpuBusyMs(), {
      busyMs: slots?.busyMs ?? 0,
      size: slots?.size ?? 1,
      waitedMs: slots?.waitedMs ?? 0,
      waited: slots?.waited ?? 0,
    });
  }

  private sample(now: number): void {
    const newest = this.take(now);
    if (this.starting) {
      const slice = loadFigures(this.samples[this.samples.length - 1]!, newest);
      if (startupOver(this.ledger, slice, now - this.state.since)) {
        // The judgement starts afresh: its first window and its first hold begin now.
        this.starting = false;
        this.samples = [newest];
        this.state = { overloaded: false, since: now };
        return;
      }
    }
    this.samples.push(newest);
    while (this.samples.length > 2 && now - this.samples[1]!.at >= WINDOW_MS) this.samples.shift();
    const figures = loadFigures(this.samples[0]!, newest);
    this.figures = figures;
    if (this.starting) return;
    const next = nextLoadState(this.state, figures, now, WINDOW_MS);
    if (next === this.state) return;
    this.state = next;
    this.say(next.overloaded, figures);
  }

  private say(overloaded: boolean, f: LoadFigures): void {
    const fields = {
      lateShare: round(f.lateShare),
      neededCpu: roundOrNull(f.cpuRatio),
      neededRequests: roundOrNull(f.requestRatio),
      capacityRouters: f.capacityRouters ?? null,
      routers: f.routers,
      meanWaitMs: Math.round(f.meanWaitMs),
    };
    const late = `${percent(f.lateShare)} of polls delayed by the bridge over the last ${Math.round(f.windowMs / 1000)} s`;
    if (!overloaded) {
      this.deps.logger.info(fields, `bridge no longer overloaded: ${late}`);
      return;
    }
    const needed = f.limitedBy === 'requests' ? `${times(f.requestRatio)} the request slots (concurrency)` : `${times(f.cpuRatio)} one core`;
    const carries = f.capacityRouters === undefined ? '' : `; at the current cost this process carries about ${f.capacityRouters} routers (${f.routers} configured)`;
    const raise = f.limitedBy === 'requests' ? ', raise concurrency' : '';
    this.deps.logger.warn(
      fields,
      `bridge overloaded: ${late}; the fleet needs ${needed}${carries}. Polls are late, not queued: run fewer routers per process (cluster mode spreads a fleet over replicas), lengthen intervals.report${raise}`,
    );
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function roundOrNull(x: number | undefined): number | null {
  return x === undefined ? null : round(x);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function times(x: number | undefined): string {
  return x === undefined ? 'more than' : `${x.toFixed(2)} ×`;
}
