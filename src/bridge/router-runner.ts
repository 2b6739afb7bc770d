/**
 * Runs one router: a Loop at `intervals.report` whose tick polls the router and offers the
 * sample to every attached part. Offering never waits for a dashboard (see
 * integrations/handoff.ts), so the loop's progress depends on the router alone. A failed
 * poll offers nothing (Komari then shows the node offline after its TTL; a zero or stale
 * report would corrupt its traffic history).
 */
import { errorCode, errorMessage, TikprobeError } from '../errors.js';
import { type FleetLines, sayLine } from '../fleet-lines.js';
import type { Telemetry } from '../telemetry.js';
import type { Logger } from '../log.js';
import type { RouterSample } from '../model.js';
import type { PollState, RouterView } from '../router-view.js';
import type { AttachedPart } from './parts.js';
import { Loop, type LoopOptions, type TickResult } from '../time/loop.js';
import { type BackoffPolicy, sharedPolicy } from '../time/backoff.js';
import { failureHeadline } from './failure-headline.js';
import type { RouterPoller } from './router-poller.js';
import type { Clock } from '../time/timers.js';
import type { LoadMonitor } from './load-monitor.js';
import type { StartGate } from '../time/start-gate.js';
import type { CancelSignal } from '../time/cancel.js';

export type { RouterView };

export interface RunnerDeps {
  name: string;
  intervalMs: number;
  poller: RouterPoller;
  parts: readonly AttachedPart[];
  logger: Logger;
  clock: Clock;
  random: () => number;
  telemetry: Telemetry;
  /**
   * The first poll falls at a random point within this many ms (at most one interval, the
   * default: a fleet starting cold spreads its first polls over the first interval).
   */
  startSpreadMs?: number;
  /** The router client's progress figures (see RouterRest.progress). */
  progress?: () => { settledAt: number | undefined; waitedMs: number } | undefined;
  load?: LoadMonitor;
  /** Paces first polls by how busy the bridge is (large fleets; see time/start-gate.ts). */
  startGate?: StartGate;
  /** Fleet-wide limits on lines every router may say at once ("router up", failures). */
  lines?: FleetLines;
}

/** Polls due within the same 25 ms share one wake-up (batched requests cost ~40 % less CPU each, bench/README.md). */
const POLL_BUCKET_MS = 25;

/** After a timeout RouterOS keeps serving the abandoned request; give it room before the next one. */
const AFTER_TIMEOUT_MS = 3000;

export class RouterRunner {
  private readonly loop: Loop;
  private state: PollState = 'starting';
  private lastSample: RouterSample | undefined;
  private lastSuccessAt: number | undefined;
  private lastError: string | undefined;
  private lastErrorCode: string | undefined;
  private lastPollMs: number | undefined;
  private waitedAtStart = 0;
  private joined = false;
  /** A tick has ended (the load monitor counts a router's first once). */
  private tickedOnce = false;

  constructor(private readonly deps: RunnerDeps) {
    this.loop = new Loop(new RouterRunner.LoopHooks(this));
  }

  /**
   * The loop's settings and hooks as one object whose hooks are methods: every router holds
   * one, and three closures with their context cost ~0.2 KB per router more.
   */
  private static readonly LoopHooks = class implements LoopOptions {
    readonly intervalMs: number;
    readonly startDelayMs: number;
    readonly bucketMs = POLL_BUCKET_MS;
    readonly backoff: BackoffPolicy;
    readonly clock: Clock;
    readonly random: () => number;

    constructor(private readonly runner: RouterRunner) {
      const { deps } = runner;
      this.intervalMs = deps.intervalMs;
      this.startDelayMs = Math.floor(deps.random() * Math.min(deps.startSpreadMs ?? deps.intervalMs, deps.intervalMs));
      this.backoff = sharedPolicy(deps.intervalMs, 60_000, 0.2);
      this.clock = deps.clock;
      this.random = deps.random;
    }

    tick(signal: CancelSignal): Promise<TickResult> {
      return this.runner.tick(signal);
    }

    onCrash(err: unknown): void {
      this.runner.deps.logger.error({ err }, 'unexpected error in the poll loop; continuing');
    }

    onTickEnd(slotAt: number, startedAt: number, result: TickResult): void {
      const { deps } = this.runner;
      const waitedMs = (deps.progress?.()?.waitedMs ?? 0) - this.runner.waitedAtStart;
      const first = !this.runner.tickedOnce;
      this.runner.tickedOnce = true;
      deps.load?.tickEnded(deps.intervalMs, slotAt, startedAt, waitedMs, result.ok && result.skipped !== true, first);
    }
  };

  start(): void {
    this.deps.load?.ledger.join(this.deps.intervalMs);
    this.joined = true;
    this.loop.start();
  }

  /** Stops polling: aborts the poll in flight and waits for it to settle. The parts are stopped by the unit. */
  async stop(): Promise<void> {
    if (this.joined) this.deps.load?.ledger.leave(this.deps.intervalMs);
    this.joined = false;
    await this.loop.stop();
  }

  /**
   * How long this loop has gone without progress where progress is expected: inside a tick,
   * since the tick started or one of its router's requests last settled (every request ends
   * within two timeouts, a bounded wait for a request slot and the reply, so an overloaded
   * bridge keeps moving); between ticks, how far the next tick is overdue (a backoff is not overdue).
   */
  stalledMs(now: number, startedAt: number): number {
    const busySince = this.loop.tickStartedAt;
    if (busySince === undefined) return now - (this.loop.nextAt ?? startedAt);
    const settledAt = this.deps.progress?.()?.settledAt;
    return now - Math.max(busySince, settledAt ?? busySince);
  }

  /** Whether the router answered its last poll (router-side probes skip otherwise). */
  isUp(): boolean {
    return this.state === 'up';
  }

  view(): RouterView {
    return {
      name: this.deps.name,
      state: this.state,
      lastSample: this.lastSample,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      lastErrorCode: this.lastErrorCode,
      lastPollMs: this.lastPollMs,
      degraded: this.deps.poller.degraded(),
      accounting: this.deps.poller.accounting(),
      lastPing: latestPing(this.deps.parts),
      parts: this.deps.parts.map((p) => p.view()),
      extended: this.deps.poller.extendedView(),
    };
  }

  private async tick(signal: CancelSignal): Promise<TickResult> {
    const { clock, logger, poller } = this.deps;
    // A first poll may wait for its turn (large fleets); it then anchors the router's grid.
    let waited = false;
    try {
      if (this.state === 'starting') waited = (await this.deps.startGate?.enter(signal)) ?? false;
    } catch {
      return { ok: false };
    }
    const started = clock.now();
    this.waitedAtStart = this.deps.progress?.()?.waitedMs ?? 0;
    let sample: RouterSample;
    try {
      sample = await poller.poll(signal);
    } catch (err) {
      this.lastPollMs = clock.now() - started;
      if (signal.aborted) return { ok: false };
      const code = errorCode(err) ?? 'UNEXPECTED';
      this.deps.telemetry.pollFinished(this.deps.name, this.lastPollMs, code);
      // The bridge had no request slot in time: nothing is wrong with the router. The slot is
      // skipped (the load section says why); the router keeps its state and its grid.
      if (code === 'BRIDGE_OVERLOADED') return { ok: true, skipped: true };
      return this.onFailure(err);
    }
    this.lastPollMs = clock.now() - started;
    this.deps.telemetry.pollFinished(this.deps.name, this.lastPollMs, undefined);
    if (this.state !== 'up') {
      sayLine(this.deps.lines, 'router up', logger, 'info', { pollMs: this.lastPollMs, version: sample.resource.version }, 'router up');
    }
    this.state = 'up';
    this.lastSample = sample;
    this.lastSuccessAt = sample.takenAt;
    this.lastError = undefined;
    this.lastErrorCode = undefined;
    for (const part of this.deps.parts) part.offer(sample);
    logger.debug({ pollMs: this.lastPollMs, upBps: sample.traffic.upBps, downBps: sample.traffic.downBps }, 'cycle');
    return waited ? { ok: true, anchorAt: started } : { ok: true };
  }

  private onFailure(err: unknown): TickResult {
    const code = errorCode(err);
    const message = errorMessage(err);
    const changed = this.lastErrorCode !== code || this.state === 'up' || this.state === 'starting';
    const wasUp = this.state === 'up';
    this.lastError = message;
    this.lastErrorCode = code ?? 'UNEXPECTED';
    const retryable = err instanceof TikprobeError ? err.retryable : true;
    this.state = retryable ? 'backoff' : 'down';
    if (changed) {
      const headline = failureHeadline(code, wasUp, retryable);
      sayLine(this.deps.lines, headline, this.deps.logger, retryable ? 'warn' : 'error', { code: this.lastErrorCode, err: message }, headline);
    } else {
      this.deps.logger.debug({ code: this.lastErrorCode, err: message }, 'router still failing');
    }
    return { ok: false, slow: !retryable, minDelayMs: code === 'ROUTER_TIMEOUT' ? AFTER_TIMEOUT_MS : undefined };
  }
}

/** The most recent ping-task result of any part, for status views. */
function latestPing(parts: readonly AttachedPart[]): { value: number; at: number } | undefined {
  let best: { value: number; at: number } | undefined;
  for (const part of parts) {
    const ping = part.lastPing();
    if (ping !== undefined && (best === undefined || ping.at > best.at)) best = ping;
  }
  return best;
}
