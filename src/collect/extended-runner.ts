/**
 * Runs the extended collectors of one router on their own cadences, in the background of the
 * report cycle: `tick()` is called once per cycle, starts what is due and returns at once, so a
 * slow or failing collector never delays the report. Runs never overlap: what falls due while a
 * run is in flight waits for the next tick. Each collector degrades alone and keeps its state.
 */
import type { CollectorsConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { CollectorState, CollectorStatus, ExtendedView } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { type ExtendedReading, NoWirelessPackage, type RunMemory, runCollector } from './extended-runs.js';
import { dueAt, EXTENDED_COLLECTORS, type ExtendedCollector, type PlanEntry, planSlots, type ReservedLoad, type Slot } from './plan.js';
import { isAbsent } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

/** An absent menu is asked again after this long (a package may have been installed). */
export const ABSENT_RETRY_MS = 6 * 3_600_000;

export type { CollectorState, CollectorStatus };

export interface ExtendedRunnerDeps {
  rest: RouterRest;
  config: CollectorsConfig;
  /** The report cadence: one tick. */
  tickMs: number;
  now: () => number;
  /** Said once per condition (e.g. interfaces truncated to the limit). */
  notice: (message: string) => void;
  /** The basic poll's own periodic requests, kept off the ticks the plan fills. */
  reserved?: readonly ReservedLoad[];
}

export function enabledEntries(config: CollectorsConfig): PlanEntry[] {
  return EXTENDED_COLLECTORS.filter((n) => config[n].enabled).map((n) => ({ name: n, periodMs: config[n].every }));
}

/** A disabled collector's status: the same for every router, so no router holds one of its own. */
const DISABLED: ReadonlyMap<ExtendedCollector, Readonly<CollectorStatus>> = new Map(
  EXTENDED_COLLECTORS.map((name) => [name, Object.freeze({ name, state: 'disabled', failures: 0 } as const)]),
);

/**
 * Every router holds one of these, so they are lean: a status object for each enabled
 * collector only (two by default, of eight), and the absence and pending records as
 * small arrays created when first needed (≈ 0.8 KB per router less than Maps and Sets of all eight).
 */
export class ExtendedRunner {
  private readonly slots: Slot[];
  /** The enabled collectors' statuses, in EXTENDED_COLLECTORS order. */
  private readonly statuses: CollectorStatus[] = [];
  /** Absent collectors and until when (epoch ms) they are not asked again. */
  private absentUntil: Array<{ name: ExtendedCollector; until: number }> | undefined;
  private readonly reading: ExtendedReading = {};
  private readonly memory: RunMemory = {};
  /** Due collectors that wait for the run in flight to end. */
  private pending: ExtendedCollector[] | undefined;
  private tickIndex = 0;
  private inFlight: Promise<void> | undefined;
  private truncationSaid = false;
  private dhcpTruncationSaid = false;

  constructor(private readonly deps: ExtendedRunnerDeps) {
    this.slots = planSlots(enabledEntries(deps.config), deps.tickMs, deps.reserved);
    for (const name of EXTENDED_COLLECTORS) {
      if (deps.config[name].enabled) this.statuses.push({ name, state: 'pending', failures: 0 });
    }
  }

  /** Starts the collectors due this cycle in the background; never waits, never throws. */
  tick(signal: CancelSignal): void {
    for (const name of dueAt(this.slots, this.tickIndex++)) {
      this.pending ??= [];
      if (!this.pending.includes(name)) this.pending.push(name);
    }
    if (this.inFlight !== undefined || this.pending === undefined || signal.aborted) return;
    const now = this.deps.now();
    const batch = this.pending.filter((n) => this.absentAt(n) <= now);
    this.pending = undefined;
    if (batch.length === 0) return;
    this.inFlight = this.runBatch(batch, signal).finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Resolves when no run is in flight (shutdown, tests). */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  latest(): Readonly<ExtendedReading> {
    return this.reading;
  }

  /** Every collector's state now: a copy of an enabled one's, the shared frozen record of a disabled one. */
  status(): Array<Readonly<CollectorStatus>> {
    return EXTENDED_COLLECTORS.map((n) => {
      const st = this.statusOf(n);
      return st === undefined ? (DISABLED.get(n) as Readonly<CollectorStatus>) : { ...st };
    });
  }

  view(): ExtendedView {
    return { reading: this.reading, collectors: this.status(), running: this.inFlight !== undefined };
  }

  plan(): readonly Slot[] {
    return this.slots;
  }

  private async runBatch(batch: readonly ExtendedCollector[], signal: CancelSignal): Promise<void> {
    for (const name of batch) {
      if (signal.aborted) return;
      const st = this.statusOf(name);
      if (st === undefined) continue; // only enabled collectors are planned
      try {
        await runCollector(name, this.deps.rest, this.deps.config, this.reading, this.memory, signal, this.deps.now());
        st.state = 'ok';
        st.lastOkAt = this.deps.now();
        delete st.error;
        this.afterSuccess(name);
      } catch (err) {
        this.afterFailure(st, err);
      }
    }
  }

  private statusOf(name: ExtendedCollector): CollectorStatus | undefined {
    return this.statuses.find((st) => st.name === name);
  }

  /** Epoch ms until which an absent collector is not asked again (0: not absent). */
  private absentAt(name: ExtendedCollector): number {
    return this.absentUntil?.find((a) => a.name === name)?.until ?? 0;
  }

  private afterSuccess(name: ExtendedCollector): void {
    const servers = this.memory.dhcp;
    if (name === 'dhcp' && servers !== undefined && servers.notCounted > 0 && !this.dhcpTruncationSaid) {
      this.dhcpTruncationSaid = true;
      this.deps.notice(
        `counting ${servers.servers.length} DHCP servers one by one of ${servers.servers.length + servers.notCounted} ` +
          `(collectors.dhcpServerLimit); the others' leases are in the totals only`,
      );
    }
    const table = this.reading.interfaces;
    if (name !== 'interfaces' || table === undefined || table.truncated === 0 || this.truncationSaid) return;
    this.truncationSaid = true;
    this.deps.notice(
      `exporting ${table.interfaces.length} interfaces of ${table.interfaces.length + table.truncated} ` +
        `(collectors.interfaceLimit); the rest are left out`,
    );
  }

  private afterFailure(st: CollectorStatus, err: unknown): void {
    if (isAbsent(err) || err instanceof NoWirelessPackage) {
      st.state = 'absent';
      st.error = errorMessage(err);
      const until = this.deps.now() + ABSENT_RETRY_MS;
      this.absentUntil = [...(this.absentUntil ?? []).filter((a) => a.name !== st.name), { name: st.name, until }];
      return;
    }
    st.state = 'failing';
    st.failures++;
    st.error = errorMessage(err);
  }
}
