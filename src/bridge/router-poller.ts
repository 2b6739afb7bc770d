/**
 * One poll of one router: the collectors in order, then accounting. Resource and interface
 * counters are required (without them there is no honest report); basic info, public
 * addresses and connection counts degrade alone: the last good value is kept, the failure is
 * logged once and retried at its own cadence.
 */
import { isClamped } from '../accounting/total.js';
import { advanceTraffic, type TrafficState } from '../accounting/traffic.js';
import type { ConnectionCounter } from '../collect/connections.js';
import type { ExtendedRunner } from '../collect/extended-runner.js';
import type { FleetLines } from '../fleet-lines.js';
import { collectDevice } from '../collect/device.js';
import { collectHealth } from '../collect/health.js';
import { collectInfo } from '../collect/info.js';
import { collectInterfaceCounters } from '../collect/interfaces.js';
import { collectResource } from '../collect/resource.js';
import { resolveDefaultRouteInterfaces } from '../collect/routes.js';
import type { RouterConfig } from '../config/schema.js';
import { errorCode, errorMessage, pollSkipped, RouterError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ConnectionCounts, EthernetLink, ExtendedView, HealthSensor, InterfaceCounter, Resource, RouterInfo, RouterSample, TrafficReading } from '../model.js';
import { OnceLog } from '../once-log.js';
import type { RouterRest } from '../routeros/rest.js';
import type { AccountingView } from '../router-view.js';
import { logTrafficEvent } from './traffic-event-log.js';
import type { CancelSignal } from '../time/cancel.js';

/** Sensors change slowly: one `/system/health` read a minute. */
export const HEALTH_REFRESH_MS = 60_000;

export interface PollerDeps {
  router: RouterConfig;
  rest: RouterRest;
  logger: Logger;
  now: () => number;
  connections: ConnectionCounter;
  /** After the first connection count, the next comes this much sooner (spreads a fleet's counts over the period's cycles). */
  connectionsPhaseMs?: number;
  /** The same for the once-a-minute `/system/health` read. */
  healthPhaseMs?: number;
  /** Fleet-wide limits on the lines a condition of many routers at once says. */
  lines?: FleetLines;
  /** Totals restored from the state directory, if any. */
  initialTraffic: TrafficState | undefined;
  /** Called with the new accounting state after every successful poll (to be persisted; `shapeChanged`: at once). */
  onTraffic: (state: TrafficState, shapeChanged: boolean) => void;
  /** The router's accounting numbers for /status (from the state cache). */
  accounting?: () => AccountingView | undefined;
  /**
   * Extended collectors (health, every interface, PPP, …) on their own cadences. Started once
   * per poll after the router answered, never awaited: they cannot delay the report. When it
   * reads health, the poll's own once-a-minute health read is left to it.
   */
  extended?: ExtendedRunner;
}

export class RouterPoller {
  private traffic: TrafficState | undefined;
  private info: RouterInfo | undefined;
  private infoAt = Number.NEGATIVE_INFINITY;
  private interfaces: string[] = [];
  private connections: ConnectionCounts | undefined;
  private connectionsAt = Number.NEGATIVE_INFINITY;
  private lastUptimeS: number | undefined;
  private lastResourceAt: number | undefined;
  private deviceId: string | undefined;
  private deviceAt = Number.NEGATIVE_INFINITY;
  private health: HealthSensor[] = [];
  private healthAt = Number.NEGATIVE_INFINITY;
  /** Set when the router has no /system/health menu: it is not asked again. */
  private healthUnsupported = false;
  private readonly conditions: OnceLog;

  constructor(private readonly deps: PollerDeps) {
    this.traffic = deps.initialTraffic;
    this.conditions = new OnceLog(deps.logger, deps.lines);
  }

  /** Collector conditions currently degraded, for status output. */
  degraded(): string[] {
    return this.conditions.keys();
  }

  /** The interfaces whose counters are summed (resolved under `auto`). */
  trafficInterfaces(): readonly string[] {
    return this.interfaces;
  }

  /** The extended collectors' states and latest reading; undefined when none is configured. */
  extendedView(): ExtendedView | undefined {
    return this.deps.extended?.view();
  }

  accounting(): AccountingView | undefined {
    return this.deps.accounting?.();
  }

  trafficState(): TrafficState | undefined {
    return this.traffic;
  }

  async poll(signal: CancelSignal): Promise<RouterSample> {
    const { rest, router, now } = this.deps;
    const resource = await collectResource(rest, signal);
    const rebooted = this.lastUptimeS !== undefined && resource.uptimeS < this.lastUptimeS;
    const uptimeOff = this.uptimeDoesNotFit(resource.uptimeS);
    this.lastUptimeS = resource.uptimeS;
    this.deps.extended?.tick(signal);
    this.lastResourceAt = now();
    // Before accounting (a swap must be known where its counters first appear); its routerboard reply serves basic info too.
    const board = uptimeOff || now() - this.deviceAt >= router.intervals.basicInfo ? await this.refreshDevice(signal) : undefined;

    // Until the first full read succeeds (and a traffic interface is known), retry it every
    // minute rather than every basicInfo interval — but never every cycle: that would walk
    // routes, addresses and identity on the router every few seconds.
    const settled = this.info !== undefined && this.interfaces.length > 0;
    const infoEvery = settled ? router.intervals.basicInfo : Math.min(router.intervals.basicInfo, 60_000);
    if (rebooted || now() - this.infoAt >= infoEvery) {
      await this.refreshInfo(resource, signal, board);
    }
    if (this.interfaces.length === 0) {
      throw new RouterError(
        'ROUTER_MALFORMED',
        `${router.name}: no interface to count traffic on (traffic.interfaces: auto found no active default route; list the WAN interface names)`,
      );
    }

    const { counters, missing } = await collectInterfaceCounters(rest, signal, this.interfaces);
    if (missing.length > 0) {
      const list = missing.join(', ');
      this.conditions.report('interfaces', list, 'warn', { condition: 'interfaces', missing }, `interface(s) not on the router, not counted: ${list}`);
    } else {
      this.recover('interfaces', 'all traffic interfaces present again');
    }

    if (now() - this.connectionsAt >= router.intervals.connections) await this.refreshConnections(signal);
    const extendedHealth = this.deps.extended !== undefined && router.collectors.health.enabled;
    if (extendedHealth) this.health = this.deps.extended?.latest().health?.sensors ?? [];
    else if (!this.healthUnsupported && now() - this.healthAt >= HEALTH_REFRESH_MS) await this.refreshHealth(signal);

    const takenAt = now();
    const reading = this.account(takenAt, resource.uptimeS, counters);

    const info = this.info ?? fallbackInfo(router.name, resource);
    const sample: RouterSample = { router: router.name, takenAt, resource, traffic: reading, connections: this.connections, info, health: this.health, degraded: this.degraded() };
    const extended = this.deps.extended?.view();
    if (extended !== undefined) sample.extended = extended;
    if (this.interfaces.length > 0) sample.trafficInterfaces = [...this.interfaces];
    return sample;
  }

  /** Accounting for this poll: the new totals are kept (and marked for saving), the reading returned. */
  private account(takenAt: number, uptimeS: number, counters: InterfaceCounter[]): TrafficReading {
    const { router } = this.deps;
    const { state, reading, events, shapeChanged } = advanceTraffic(
      this.traffic,
      { atMs: takenAt, uptimeS: uptimeS, counters, deviceId: this.deviceId },
      {
        resetDay: router.traffic.resetDay,
        maxBitsPerSecond: router.traffic.maxLinkMbps * 1_000_000,
        linkBitsPerSecond: linkSpeeds(this.deps.extended?.latest().ethernet),
      },
    );
    for (const event of events) logTrafficEvent(this.deps.logger, event);
    this.traffic = state;
    this.deps.onTraffic(state, shapeChanged);
    if (isClamped(state.totalUpBytes) || isClamped(state.totalDownBytes)) {
      const totals = { totalUpBytes: state.totalUpBytes.toString(), totalDownBytes: state.totalDownBytes.toString() };
      this.conditions.report('total-clamped', 'clamped', 'warn', totals, 'a traffic total is above 2^53 bytes: sent as 9007199254740991 (the largest exact number), kept exactly in the state');
    }
    return reading;
  }

  /** The uptime moved by more than the wall time (±30 s): maybe another device at this address. */
  private uptimeDoesNotFit(uptimeS: number): boolean {
    if (this.lastUptimeS === undefined || this.lastResourceAt === undefined) return false;
    const expected = this.lastUptimeS + (this.deps.now() - this.lastResourceAt) / 1000;
    return Math.abs(uptimeS - expected) > 30;
  }

  private async refreshDevice(signal: CancelSignal): Promise<unknown> {
    const before = this.deviceAt;
    this.deviceAt = this.deps.now();
    const { id, board } = await collectDevice(this.deps.rest, signal).catch((err: unknown) => {
      if (pollSkipped(signal, err)) this.deviceAt = before;
      throw err;
    });
    if (id !== undefined) this.deviceId = id;
    return board;
  }

  private async refreshInfo(resource: Resource, signal: CancelSignal, board: unknown): Promise<void> {
    const { rest, router, now } = this.deps;
    const before = this.infoAt;
    this.infoAt = now();
    try {
      if (router.traffic.interfaces === 'auto') {
        const found = await resolveDefaultRouteInterfaces(rest, signal);
        if (found.join(',') !== this.interfaces.join(',') && found.length > 0) {
          this.deps.logger.info({ interfaces: found }, 'traffic interfaces resolved from the default route');
        }
        if (found.length > 0) this.interfaces = found;
      } else {
        this.interfaces = router.traffic.interfaces;
      }
      this.info = await collectInfo(rest, signal, resource, router.publicIp, this.interfaces, board);
      this.recover('info', 'basic info readable again');
    } catch (err) {
      if (pollSkipped(signal, err)) {
        this.infoAt = before;
        throw err;
      }
      if (router.traffic.interfaces !== 'auto') this.interfaces = router.traffic.interfaces;
      this.degrade('info', err, 'basic info (identity, routes, addresses) not readable; keeping the last values');
    }
  }

  private async refreshConnections(signal: CancelSignal): Promise<void> {
    const before = this.connectionsAt;
    this.connectionsAt = this.deps.now();
    try {
      const first = before === Number.NEGATIVE_INFINITY;
      this.connections = await this.deps.connections.count(this.deps.rest, signal, this.deps.now());
      if (first) this.connectionsAt -= this.deps.connectionsPhaseMs ?? 0;
      this.recover('connections', 'connection counts readable again');
    } catch (err) {
      if (pollSkipped(signal, err)) {
        this.connectionsAt = before;
        throw err;
      }
      this.degrade('connections', err, 'connection counts not readable; keeping the last values');
    }
  }

  private async refreshHealth(signal: CancelSignal): Promise<void> {
    const before = this.healthAt;
    this.healthAt = this.deps.now();
    try {
      this.health = await collectHealth(this.deps.rest, signal);
      if (before === Number.NEGATIVE_INFINITY) this.healthAt -= this.deps.healthPhaseMs ?? 0;
      this.recover('health', '/system/health readable again');
    } catch (err) {
      if (pollSkipped(signal, err)) {
        this.healthAt = before;
        throw err;
      }
      if (errorCode(err) === 'ROUTER_UNSUPPORTED') {
        this.healthUnsupported = true;
        this.deps.logger.debug('the router has no /system/health menu: no sensor readings');
        return;
      }
      this.degrade('health', err, '/system/health not readable; keeping the last sensor readings');
    }
  }

  /** A collector failed: logged when it starts or its error class changes, at debug while it repeats. */
  private degrade(key: string, err: unknown, message: string): void {
    const code = errorCode(err) ?? 'UNEXPECTED';
    this.conditions.report(key, code, 'warn', { condition: key, code, err: errorMessage(err) }, message);
  }

  private recover(key: string, message: string): void {
    this.conditions.clear(key, { condition: key }, message);
  }
}

/** The negotiated rate of each ethernet port the ethernet collector last read (its ceiling for accounting). */
function linkSpeeds(links: readonly EthernetLink[] | undefined): Record<string, number> | undefined {
  if (links === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const l of links) if (l.rateBps !== undefined && l.rateBps > 0) out[l.name] = l.rateBps;
  return out;
}

/** Basic info built from `/system/resource` alone, until the full read succeeds. */
function fallbackInfo(name: string, r: Resource): RouterInfo {
  return {
    identity: name,
    boardName: r.boardName,
    model: undefined,
    version: r.version,
    architecture: r.architecture,
    cpu: r.cpu,
    cpuCount: r.cpuCount,
    totalMemoryBytes: r.totalMemoryBytes,
    totalHddBytes: r.totalHddBytes,
    virtualization: r.boardName === 'CHR' ? 'CHR' : 'None',
    publicIpv4: undefined,
    publicIpv6: undefined,
  };
}
