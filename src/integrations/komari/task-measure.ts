/**
 * Measures one run of one ping task within the scheduler's bounds: at most `limits.router`
 * (1) router-side pings in flight (RouterOS runs one user's REST requests one at a time, so
 * a metrics poll waits for at most one ping), at most `limits.bridge` (4) bridge-side probes,
 * and every probe with a timeout below its task interval (see kinds.ts).
 *
 * Results are never invented: a skipped run (router down, `test` policy missing, raw sockets
 * not permitted, REST error, shutdown) is SKIP; only a measured loss is `undefined`.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { errorCode, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import { OnceLog } from '../../once-log.js';
import { untilAborted } from '../../probes/deadline.js';
import { createHttpProber, type HttpProber } from '../../probes/http-probe.js';
import { isRouterSide, probeTimeoutMs, routerPingTimeoutMs } from '../../probes/kinds.js';
import { createMeasure, type Measure } from '../../probes/measure.js';
import { systemLookup } from '../../probes/resolve.js';
import { RouterPingGate } from '../../probes/router-gate.js';
import type { PingSchedulerDeps } from './ping-deps.js';
import type { RunnableTask } from './task-filter.js';
import type { CancelSignal } from '../../time/cancel.js';

/** A run that produced no measurement and must post nothing. */
export const SKIP = Symbol('skip');
/** RTT in ms, `undefined` for a measured loss, or SKIP. */
export type Measured = number | undefined | typeof SKIP;

export class TaskMeasure {
  private readonly once: OnceLog;
  private readonly gate: RouterPingGate;
  private readonly routerLimit: LimitFunction;
  private readonly bridgeLimit: LimitFunction;
  private http: HttpProber | undefined;
  private measureFn: Measure | undefined;

  constructor(
    private readonly deps: PingSchedulerDeps,
    private readonly log: Logger,
  ) {
    this.once = new OnceLog(log, deps.lines);
    this.gate = new RouterPingGate(deps.router, log, () => deps.clock.now(), deps.policyRetryMs);
    this.routerLimit = pLimit(deps.limits?.router ?? 1);
    this.bridgeLimit = pLimit(deps.limits?.bridge ?? 4);
  }

  /** One measurement of `entry`, aborted with `signal` (task removed or changed, or stop). */
  async run(entry: RunnableTask, signal: CancelSignal): Promise<Measured> {
    if (!isRouterSide(entry.probe.kind)) return this.bridgeLimit(() => this.measureBridgeSide(entry, signal));
    if (!this.routerSideReady(entry, signal)) return SKIP;
    return this.routerLimit(() => this.measureRouterSide(entry, signal));
  }

  /** Closes the HTTP prober it created itself (a shared one stays open). */
  async close(): Promise<void> {
    if (this.http && !this.deps.http) {
      const http = this.http;
      this.http = undefined;
      await http.close();
    }
  }

  /** Router down or `test` policy missing: skip without queueing (checked again once the slot is free). */
  private routerSideReady(entry: RunnableTask, signal: CancelSignal): boolean {
    if (signal.aborted || !this.gate.canRun()) return false;
    if (!this.deps.isRouterUp()) {
      this.log.debug({ taskId: entry.task.id }, 'router is down; router-side ping skipped');
      return false;
    }
    return true;
  }

  private async measureRouterSide(entry: RunnableTask, signal: CancelSignal): Promise<Measured> {
    if (!this.routerSideReady(entry, signal)) return SKIP;
    const count = entry.probe.kind === 'router-icmp' ? entry.probe.count : this.deps.count;
    const timeoutMs = routerPingTimeoutMs(count, entry.task.interval);
    try {
      const rtt = await untilAborted(this.measure()(entry.probe, { signal, timeoutMs }), signal);
      this.gate.succeeded();
      this.once.clear('router-ping', {}, 'router-side ping works again');
      return rtt;
    } catch (err) {
      if (signal.aborted) return SKIP;
      const code = errorCode(err);
      if (code === 'ROUTER_POLICY') {
        this.gate.policyDenied(err);
        return SKIP;
      }
      // Not a measurement: the REST request failed (timeout, transient error, refused
      // arguments). A -1 here would be an invented loss.
      this.once.report(
        'router-ping',
        code ?? 'UNEXPECTED',
        'warn',
        { taskId: entry.task.id, code, err: errorMessage(err) },
        'router-side ping request failed; no result sent for this run',
      );
      return SKIP;
    }
  }

  private async measureBridgeSide(entry: RunnableTask, signal: CancelSignal): Promise<Measured> {
    if (signal.aborted) return SKIP;
    if (entry.probe.kind === 'bridge-icmp' && !this.deps.bridgeIcmp.available()) return SKIP;
    try {
      const rtt = await untilAborted(this.measure()(entry.probe, { signal, timeoutMs: probeTimeoutMs(entry.task.interval) }), signal);
      this.once.clear(`task:${entry.task.id}`);
      return rtt;
    } catch (err) {
      if (signal.aborted || errorCode(err) === 'PING_UNAVAILABLE') return SKIP;
      this.once.report(
        `task:${entry.task.id}`,
        errorCode(err) ?? 'UNEXPECTED',
        'warn',
        { taskId: entry.task.id, err: errorMessage(err) },
        'probe failed unexpectedly; no result sent for this run',
      );
      return SKIP;
    }
  }

  private measure(): Measure {
    if (!this.measureFn) {
      this.measureFn = this.deps.measure;
      if (!this.measureFn) {
        this.http = this.deps.http ?? createHttpProber();
        this.measureFn = createMeasure({
          rest: this.deps.rest,
          bridgeIcmp: this.deps.bridgeIcmp,
          http: this.http,
          lookup: this.deps.lookup ?? systemLookup,
        });
      }
    }
    return this.measureFn;
  }
}
