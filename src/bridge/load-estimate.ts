/**
 * Whether the bridge keeps up with its fleet, measured, not guessed. Pure: counters in,
 * figures and a decision out; no clock, no timer, no logger.
 *
 * A poll is late when the bridge made it wait: its loop woke after its slot (a busy event
 * loop fires timers late) or its requests waited for one of the `concurrency` request slots.
 * A router that is slow to answer does not make a poll late: that is the router, not the
 * bridge. The bridge is overloaded when, over the last window, at least 5 % of the due polls
 * were late; it is no longer overloaded when at most 1 % were, and each state holds for at
 * least one window (no flapping).
 *
 * How much: the ratio of what the fleet needs to what the process has, for each of the two
 * resources, at the cost measured in the window: event-loop busy time per router-cycle
 * against one core, and request-slot time per router-cycle against `concurrency` slots.
 * Capacity: the routers that fit at that cost with 20 % headroom.
 *
 * The fleet's start is not judged: first polls (a TLS handshake and a dozen reads each) and
 * the catch-up after them make a large fleet's polls late for its first minute even where its
 * steady state takes half a core, and their cost would inflate the figures. The judgement
 * starts once every router has polled once and a 5 s slice saw less than the entry share late,
 * or a minute after the start at the latest (a fleet too large for the process never settles).
 */

/** Upper bounds (seconds) of the tick-lateness histogram. */
export const LATENESS_BOUNDS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** A poll is late when the bridge delayed it by more than this share of its interval (1 s of 5 s). */
export const LATE_AFTER_SHARE = 0.2;
export const ENTER_LATE_SHARE = 0.05;
export const LEAVE_LATE_SHARE = 0.01;
/** Below this many due polls in a window, no decision is taken (a small fleet's single late poll is noise). */
export const MIN_DUE = 10;
/** Share of a resource the capacity estimate leaves free. */
export const HEADROOM = 0.8;
/** The fleet's start is over this long after the estimate began, whatever it looks like. */
export const STARTUP_MAX_MS = 60_000;

/** Cumulative counters of every router loop's ticks; one per process. */
export class TickLedger {
  routers = 0;
  /** Router-cycles the fleet asks for per second (the sum of 1 / intervals.report). */
  demandPerS = 0;
  ticks = 0;
  /** Routers that have finished their first tick (it counts once per router that joined). */
  started = 0;
  delivered = 0;
  dueSlots = 0;
  lateSlots = 0;
  /** Not cumulative: `latenessCounts[i]` fell in (bounds[i-1], bounds[i]]; the last is above every bound. */
  readonly latenessCounts: number[] = LATENESS_BOUNDS.map(() => 0).concat(0);
  latenessSumS = 0;

  join(intervalMs: number): void {
    this.routers += 1;
    this.demandPerS += 1000 / intervalMs;
  }

  leave(intervalMs: number): void {
    this.routers -= 1;
    this.demandPerS = this.routers === 0 ? 0 : Math.max(0, this.demandPerS - 1000 / intervalMs);
  }

  /**
   * One finished tick: due at `slotAt`, started at `startedAt`, finished at `finishedAt`, its
   * requests waited `waitedMs` for a slot; `delivered`: it produced a sample.
   */
  record(intervalMs: number, slotAt: number, startedAt: number, finishedAt: number, waitedMs: number, delivered: boolean): void {
    const latenessMs = Math.max(0, startedAt - slotAt) + Math.max(0, waitedMs);
    const late = latenessMs > LATE_AFTER_SHARE * intervalMs;
    // Slots that passed while this tick ran are due too; they count as late when the bridge caused it.
    const missed = Math.max(0, Math.floor((finishedAt - slotAt) / intervalMs));
    this.ticks += 1;
    if (delivered) this.delivered += 1;
    this.dueSlots += 1 + missed;
    if (late) this.lateSlots += 1 + missed;
    const seconds = latenessMs / 1000;
    this.latenessSumS += seconds;
    let i = 0;
    while (i < LATENESS_BOUNDS.length && seconds > LATENESS_BOUNDS[i]!) i += 1;
    this.latenessCounts[i]! += 1;
  }
}

/** The ledger and the process's resources at one instant (all cumulative). */
export interface LoadSample {
  at: number;
  routers: number;
  demandPerS: number;
  ticks: number;
  delivered: number;
  dueSlots: number;
  lateSlots: number;
  /** Event-loop busy milliseconds since the start. */
  cpuBusyMs: number;
  /** Request-slot milliseconds used since the start, and the number of slots. */
  slotBusyMs: number;
  slots: number;
  waitedMs: number;
  waited: number;
}

export type Resource = 'cpu' | 'requests';

export interface LoadFigures {
  windowMs: number;
  routers: number;
  due: number;
  lateShare: number;
  /** Share of the window the event loop was busy. */
  busyShare: number;
  /** Needed ÷ available per resource; undefined before a tick finished in the window. */
  cpuRatio: number | undefined;
  requestRatio: number | undefined;
  limitedBy: Resource | undefined;
  /** Routers this process carries at the measured cost with 20 % headroom. */
  capacityRouters: number | undefined;
  cpuMsPerCycle: number | undefined;
  meanWaitMs: number;
}

export function sampleOf(ledger: TickLedger, at: number, cpuBusyMs: number, slots: { busyMs: number; size: number; waitedMs: number; waited: number }): LoadSample {
  return {
    at,
    routers: ledger.routers,
    demandPerS: ledger.demandPerS,
    ticks: ledger.ticks,
    delivered: ledger.delivered,
    dueSlots: ledger.dueSlots,
    lateSlots: ledger.lateSlots,
    cpuBusyMs,
    slotBusyMs: slots.busyMs,
    slots: slots.size,
    waitedMs: slots.waitedMs,
    waited: slots.waited,
  };
}

/** The figures of the window between two samples (older first). */
export function loadFigures(older: LoadSample, newer: LoadSample): LoadFigures {
  const windowMs = Math.max(1, newer.at - older.at);
  const due = newer.dueSlots - older.dueSlots;
  const ticks = newer.ticks - older.ticks;
  const cpuMs = Math.max(0, newer.cpuBusyMs - older.cpuBusyMs);
  const slotMs = Math.max(0, newer.slotBusyMs - older.slotBusyMs);
  const waited = newer.waited - older.waited;
  const cpuMsPerCycle = ticks > 0 ? cpuMs / ticks : undefined;
  const cpuRatio = cpuMsPerCycle === undefined ? undefined : (cpuMsPerCycle * newer.demandPerS) / 1000;
  const requestRatio = ticks > 0 ? ((slotMs / ticks) * newer.demandPerS) / (newer.slots * 1000) : undefined;
  const ratio = Math.max(cpuRatio ?? 0, requestRatio ?? 0);
  const limitedBy: Resource | undefined = cpuRatio === undefined ? undefined : (requestRatio ?? 0) > cpuRatio ? 'requests' : 'cpu';
  return {
    windowMs,
    routers: newer.routers,
    due,
    lateShare: due > 0 ? (newer.lateSlots - older.lateSlots) / due : 0,
    busyShare: Math.min(1, cpuMs / windowMs),
    cpuRatio,
    requestRatio,
    limitedBy,
    capacityRouters: ratio > 0 ? Math.floor((newer.routers * HEADROOM) / ratio) : undefined,
    cpuMsPerCycle,
    meanWaitMs: waited > 0 ? (newer.waitedMs - older.waitedMs) / waited : 0,
  };
}

/**
 * Whether the fleet's start is over at `elapsedMs` after the estimate began: every router has
 * finished a first tick and `slice` (the last few seconds) saw fewer than the entry share of
 * its due polls late, or STARTUP_MAX_MS passed.
 */
export function startupOver(ledger: Pick<TickLedger, 'started' | 'routers'>, slice: LoadFigures, elapsedMs: number): boolean {
  if (elapsedMs >= STARTUP_MAX_MS) return true;
  return ledger.routers > 0 && ledger.started >= ledger.routers && slice.lateShare < ENTER_LATE_SHARE;
}

export interface LoadState {
  overloaded: boolean;
  /** When the state last changed (or the estimate started). */
  since: number;
}

/**
 * The next state: a change needs a window's worth of evidence and at least `holdMs` in the
 * current state. Returns the same object when nothing changes.
 */
export function nextLoadState(state: LoadState, figures: LoadFigures, now: number, holdMs: number): LoadState {
  if (figures.due < MIN_DUE || figures.windowMs < holdMs / 2 || now - state.since < holdMs) return state;
  if (!state.overloaded && figures.lateShare >= ENTER_LATE_SHARE) return { overloaded: true, since: now };
  if (state.overloaded && figures.lateShare <= LEAVE_LATE_SHARE) return { overloaded: false, since: now };
  return state;
}
