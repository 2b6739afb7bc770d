/**
 * The running fleet: one RouterUnit per configured router. Owns start, reload (SIGHUP) and
 * stop order. A reload replaces only the routers whose settings changed; untouched routers
 * keep their loop, cadence and in-memory state.
 */
import type { Config, RouterConfig } from '../config/schema.js';
import { type StartupWarning, startupWarnings } from '../config/startup-warnings.js';
import { shareEqualBlocks } from '../config/shared-parts.js';
import { errorMessage } from '../errors.js';
import { type FleetLines, sayLine } from '../fleet-lines.js';
import type { Logger } from '../log.js';
import { byRouterName, type FleetHealth, type FleetView, type RouterView } from '../router-view.js';
import { settlesWithin } from '../time/timers.js';
import { Turns } from '../time/turns.js';
import { type FleetDeps, type RouterUnit, startRouterUnit } from './router-unit.js';

export type { FleetHealth };

/** Builds what the routers of one configuration share (integrations, limits), rebuilt when fleet-wide settings change. */
export interface FleetFactory {
  build(config: Config): FleetDeps & { close(): Promise<void> };
  /** The settings whose change rebuilds the shared parts (and restarts every router). */
  fleetKey(config: Config): string;
}

/**
 * How the routers a reload starts take their first poll. `spread` (default): at a random
 * point of their first report interval, as at a cold start, so a large fleet does not poll in
 * lockstep. `takeover`: they were reported by another cluster replica a moment ago and the
 * dashboards are counting the gap: the first polls come at once, spread over at most
 * TAKEOVER_SPREAD_PER_ROUTER_MS per router (1 s per 1000 routers), never over more than an interval.
 */
export interface ReloadOptions {
  start?: 'spread' | 'takeover';
}

export const TAKEOVER_SPREAD_PER_ROUTER_MS = 1;
/**
 * Once the state is saved at stop, closing the parts and connections may take this long; then
 * stop returns and leaves them to the process exit (10 000 routers against a saturated
 * dashboard took longer than the 5 s stop deadline to close them all).
 */
export const CLOSE_AFTER_FLUSH_MS = 500;
/** Routers are stopped in slices of this much work at a time (see `stop`). */
const STOP_SLICE_MS = 5;

/**
 * Says the startup warnings through the fleet's lines: a warning of a few routers is a line
 * each, one of thousands (5 000 plain-HTTP routers) is five lines and one summary with the count.
 */
export function sayStartupWarnings(warnings: readonly StartupWarning[], lines: FleetLines | undefined, logger: Logger): void {
  for (const w of warnings) sayLine(lines, w.message, logger, 'warn', w.router === undefined ? {} : { router: w.router }, w.message);
}

export interface ReloadSummary {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

export class Bridge implements FleetHealth, FleetView {
  private readonly units = new Map<string, RouterUnit>();
  private shared: FleetDeps & { close(): Promise<void> };
  private stopping: Promise<void> | undefined;

  constructor(
    private config: Config,
    private readonly factory: FleetFactory,
    private readonly logger: Logger,
    private readonly flushState: () => Promise<void>,
  ) {
    shareEqualBlocks(config.routers); // equal settings blocks once for the fleet (config/shared-parts.ts)
    this.shared = factory.build(config);
  }

  async start(): Promise<void> {
    await this.startRouters(this.config.routers);
    this.logger.info({ routers: this.units.size }, 'bridge started');
  }

  view(): RouterView[] {
    return [...this.units.values()].map((u) => u.runner.view());
  }

  *viewsByName(): Generator<RouterView> {
    for (const name of [...this.units.keys()].sort(byRouterName)) {
      const unit = this.units.get(name);
      if (unit !== undefined) yield unit.runner.view();
    }
  }

  routerConfigs(): RouterConfig[] {
    return [...this.units.values()].map((u) => u.config);
  }

  tagOf(router: string): string | undefined {
    return this.units.get(router)?.config.tag;
  }

  /**
   * True while every router loop makes progress (`factor` report intervals at most without
   * any): a loop inside a tick sees its requests settle (each ends within two of the router's
   * timeouts: one to wait for a request slot, one for the reply), a loop between ticks sees its next tick
   * come. An overloaded bridge whose polls finish late stays healthy; a loop stuck in a tick,
   * or timers that no longer fire, is not. A loop waiting out a backoff is not overdue.
   */
  healthy(now: number, startedAt: number, factor = 3): boolean {
    for (const unit of this.units.values()) {
      if (unit.runner.stalledMs(now, startedAt) > factor * unit.config.intervals.report) return false;
    }
    return true;
  }

  async reload(next: Config, options: ReloadOptions = {}): Promise<ReloadSummary> {
    shareEqualBlocks(next.routers);
    if (next.stateDir !== this.config.stateDir) {
      this.logger.warn({ stateDir: this.config.stateDir }, 'state.dir changed: takes effect at the next restart; keeping the current one');
      next = { ...next, stateDir: this.config.stateDir };
    }
    if (next.logLevel !== this.config.logLevel) this.logger.level = next.logLevel;
    const fleetChanged = this.factory.fleetKey(next) !== this.factory.fleetKey(this.config);
    const nextByName = new Map(next.routers.map((r) => [r.name, r]));
    const summary: ReloadSummary = { added: [], removed: [], changed: [], unchanged: [] };
    for (const name of this.units.keys()) if (!nextByName.has(name)) summary.removed.push(name);
    for (const r of next.routers) {
      const current = this.units.get(r.name);
      if (!current) summary.added.push(r.name);
      else if (fleetChanged || JSON.stringify(current.config) !== JSON.stringify(r)) summary.changed.push(r.name);
      else summary.unchanged.push(r.name);
    }
    const toStop = [...summary.removed, ...summary.changed];
    await Promise.all(toStop.map((name) => this.stopRouter(name)));
    for (const name of summary.removed) this.shared.states.forget(name);
    if (fleetChanged) {
      const old = this.shared;
      this.shared = this.factory.build(next);
      // Unchanged routers keep running on the old shared parts only if nothing fleet-wide changed.
      await old.close();
    }
    this.config = next;
    const added = next.routers.filter((r) => summary.added.includes(r.name));
    sayStartupWarnings(startupWarnings(next, added), this.shared.lines, this.logger);
    const starting = [...summary.added, ...summary.changed].map((n) => nextByName.get(n)!);
    await this.startRouters(starting, options.start === 'takeover' ? starting.length * TAKEOVER_SPREAD_PER_ROUTER_MS : undefined);
    this.logger.info(
      { added: summary.added, removed: summary.removed, changed: summary.changed, unchanged: summary.unchanged.length },
      'configuration reloaded',
    );
    return summary;
  }

  /**
   * Stops every router and saves the state. Idempotent. The order keeps shutdown bounded
   * whatever a dashboard does and however large the fleet: first the polls (once none can
   * change the state, it is saved, without waiting for any dashboard), then the parts
   * (aborting dashboard requests) and the router connections, in slices that leave the event
   * loop its turn, awaited at most CLOSE_AFTER_FLUSH_MS. Stopping the parts and connections of
   * 10 000 routers is seconds of work on a saturated core: before the save it delayed the save
   * and the exit past the stop deadline (bench/README.md, "Stop of an overloaded fleet").
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const units = [...this.units.values()];
      this.units.clear();
      await Promise.all(units.map((u) => u.stopPolling().catch(() => undefined)));
      let saved = false;
      try {
        await this.flushState();
        saved = true;
      } finally {
        // Also when the save failed (its error is the stop's): the parts and connections still close.
        const closing = this.stopUnits(units).then(() => this.shared.close());
        if (!(await settlesWithin(closing, CLOSE_AFTER_FLUSH_MS, this.shared.clock))) {
          const said = `${saved ? 'state saved' : 'state not saved'}; connections still closing are left to the exit`;
          this.logger.warn({ routers: units.length, graceMs: CLOSE_AFTER_FLUSH_MS }, said);
        }
      }
    })();
    return this.stopping;
  }

  /** `spreadMs`: the first polls fall within this many ms (default: each router's report interval). */
  private async startRouters(routers: RouterConfig[], spreadMs?: number): Promise<void> {
    await Promise.all(
      routers.map(async (r) => {
        try {
          this.units.set(r.name, await startRouterUnit(r, this.shared, spreadMs));
        } catch (err) {
          this.logger.error({ router: r.name, err: errorMessage(err) }, 'router could not start; skipped until the next reload');
        }
      }),
    );
  }

  private async stopRouter(name: string): Promise<void> {
    const unit = this.units.get(name);
    if (!unit) return;
    this.units.delete(name);
    await this.stopUnit(unit);
  }

  /** Stops the units, the event loop getting its turn every STOP_SLICE_MS (so a timer due meanwhile, such as the grace after the save, fires on time). */
  private async stopUnits(units: readonly RouterUnit[]): Promise<void> {
    const turns = new Turns(STOP_SLICE_MS);
    const stopping: Promise<void>[] = [];
    for (const unit of units) {
      if (turns.due()) await turns.take();
      stopping.push(this.stopUnit(unit));
    }
    await Promise.all(stopping);
  }

  private async stopUnit(unit: RouterUnit): Promise<void> {
    try {
      await unit.stop();
    } catch (err) {
      this.logger.warn({ router: unit.config.name, err: errorMessage(err) }, 'router did not stop cleanly');
    }
  }
}
