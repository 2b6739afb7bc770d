/**
 * Reports one router as one live Nezha node, the way the official agent does: the Host first
 * (then as link.ts keeps it current), the task stream (task-runner.ts) and the state stream,
 * one State per `reportInterval` on the shared Loop, each waiting for its Receipt. Each State
 * carries the latest good sample (temperatures included); when the router cannot be polled
 * (not up, or the sample older than `staleAfterMs`) no State is sent and the streams close,
 * so Nezha shows the node offline instead of stale figures.
 *
 * Failures: a broken stream or failed call closes the link, reopened after 10 s (jittered),
 * doubling to 5 min. A refused secret pauses every router (the dashboard's AuthGate); a node
 * UUID owned by someone else pauses this router alone (NodePause). Nothing here throws.
 */
import { errorCode, errorMessage } from '../../errors.js';
import { sayLine } from '../../fleet-lines.js';
import type { Logger } from '../../log.js';
import type { RouterInfo, RouterSample } from '../../model.js';
import type { IntegrationEvent, } from '../../telemetry.js';
import { fixedCadence, type Loop } from '../../time/loop.js';
import { DoublingDelay, RepeatCounter } from '../../time/repeats.js';
import type { RouterPart } from '../contract.js';
import { NezhaConnection } from './connection.js';
import { describeGrpcError, isAuthFailure, isNodeRefusal } from './grpc-errors.js';
import { NodePause } from './node-pause.js';
import { type Link, type LinkContext, refreshLink, sendGeoIp } from './link.js';
import { BootTime, hostKey, temperaturesOf, toNezhaHost, toNezhaState } from './payload.js';
import type { NezhaSinkDeps } from './sink-deps.js';

export type { NezhaSinkDeps };
import { NezhaTaskRunner } from './task-runner.js';

const RECONNECT_FIRST_MS = 10_000;
const RECONNECT_MAX_MS = 5 * 60_000;

export { GEOIP_REFRESH_MS, HOST_REFRESH_MS } from './link.js';

export class NezhaSink implements RouterPart {
  readonly kind = 'nezha';

  private latest: RouterSample | undefined;
  private readonly boot: BootTime;
  private link: Link | undefined;
  private connecting = false;
  private retryAt = 0;
  private readonly reconnectDelay = new DoublingDelay(RECONNECT_FIRST_MS, RECONNECT_MAX_MS);
  private readonly failures = new RepeatCounter();
  private everConnected = false;
  private readonly loop: Loop;
  private started = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private statesSent = 0;
  private lastAckAt: number | undefined;
  private lastErrorAt: number | undefined;
  private lastError: string | undefined;
  private uuid: string | undefined;
  private readonly nodePause = new NodePause();
  private readonly tasks: NezhaTaskRunner;

  constructor(private readonly deps: NezhaSinkDeps) {
    this.uuid = typeof deps.uuid === 'string' ? deps.uuid : undefined;
    this.boot = new BootTime(deps.bootTime?.restored);
    this.tasks = new NezhaTaskRunner(deps, (what) => this.event(what));
    this.loop = fixedCadence({
      intervalMs: deps.dashboard.config.reportInterval,
      clock: deps.clock,
      random: deps.random,
      run: () => this.step(),
      onCrash: (err) => this.log.error({ err: errorMessage(err) }, `Nezha sink failed unexpectedly for router "${deps.router}"; continuing`),
    });
  }

  start(): void {
    if (this.stopped || this.started) return;
    this.started = true;
    this.unsubscribe = this.deps.dashboard.gate.onRefused(() => this.dropLink('auth'));
    this.loop.start();
  }

  offer(sample: RouterSample): void {
    try {
      const before = this.boot.value;
      const bootTime = this.boot.update(sample.resource.uptimeS, sample.takenAt);
      if (before !== bootTime) this.deps.bootTime?.save(bootTime);
      this.latest = sample;
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, `Nezha sink push failed unexpectedly for router "${this.deps.router}"`);
    }
  }

  /** Closes the streams at once (aborting calls in flight), then waits for the State cycle to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.dropLink('stop');
    await this.loop.stop();
    this.dropLink('stop');
  }

  status() {
    const latest = this.latest;
    const waiting = latest !== undefined && (this.lastAckAt === undefined || this.lastAckAt < latest.takenAt) && this.link !== undefined;
    return {
      lastSuccessAt: this.lastAckAt,
      lastErrorAt: this.lastErrorAt,
      lastError: this.lastError,
      sending: waiting,
      queueAgeMs: waiting ? Math.max(0, this.deps.clock.now() - latest.takenAt) : 0,
      dropped: 0,
    };
  }

  /** States acknowledged by the dashboard so far (for status views and tests). */
  get statesAcknowledged(): number {
    return this.statesSent;
  }

  /** Resolves when the State cycle in progress (if any) has finished: lets callers and tests wait for quiet. */
  async settled(): Promise<void> {
    await this.loop.settled();
  }

  get connected(): boolean {
    return this.link !== undefined;
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  // ----- cadence ---------------------------------------------------------------------

  private freshSample(): RouterSample | undefined {
    const s = this.latest;
    if (s === undefined || !this.deps.isRouterUp()) return undefined;
    return this.deps.clock.now() - s.takenAt <= this.deps.staleAfterMs ? s : undefined;
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    const sample = this.freshSample();
    if (sample === undefined) {
      if (this.link !== undefined) {
        sayLine(this.deps.lines, 'Nezha streams closed', this.log, 'info', {}, `router "${this.deps.router}" cannot be polled: closing its Nezha streams (the node shows offline)`);
        this.dropLink('router');
        // Reconnect as soon as the router answers again.
        this.retryAt = 0;
      }
      return;
    }
    if (this.link === undefined) {
      await this.connect(sample);
      return;
    }
    await refreshLink(this.link, sample, this.linkContext());
    const link = this.link;
    if (link === undefined || link.conn.isClosed) return;
    const interval = this.deps.dashboard.config.reportInterval;
    const ok = await link.conn.sendState(toNezhaState(sample, temperaturesOf(sample.health)), Math.max(10_000, 3 * interval), this.deps.clock);
    if (!ok) return;
    this.statesSent++;
    this.event('state_acknowledged');
    this.lastAckAt = this.deps.clock.now();
    this.lastError = undefined;
    this.lastErrorAt = undefined;
    if (!link.receipted) {
      link.receipted = true;
      this.reconnectDelay.reset();
    }
  }

  // ----- connecting ------------------------------------------------------------------

  private async connect(sample: RouterSample): Promise<void> {
    const { dashboard, clock } = this.deps;
    if (this.connecting || clock.now() < this.retryAt) return;
    this.connecting = true;
    try {
      const uuid = await this.nodeUuid(sample.info);
      if (uuid === undefined || !dashboard.gate.mayConnect(uuid, clock.now())) return;
      await this.openLink(sample, uuid);
    } finally {
      this.connecting = false;
    }
  }

  /** The node UUID, resolved (and saved) once; undefined, retried in a minute, when the state directory fails. */
  private async nodeUuid(info: RouterInfo): Promise<string | undefined> {
    if (this.uuid !== undefined) return this.uuid;
    const resolve = this.deps.uuid;
    if (typeof resolve === 'string') return resolve;
    try {
      this.uuid = await resolve(info);
      return this.uuid;
    } catch (err) {
      this.retryAt = this.deps.clock.now() + 60_000;
      this.log.error({ err: errorMessage(err) }, `cannot fix router "${this.deps.router}"'s Nezha node UUID (state directory): not reporting it to Nezha; retrying in a minute`);
      return undefined;
    }
  }

  private async openLink(sample: RouterSample, uuid: string): Promise<void> {
    const { dashboard, clock, router } = this.deps;
    const abort = new AbortController();
    const conn: NezhaConnection = new NezhaConnection(dashboard.newClient(), dashboard.metadata(uuid), {
      onTask: (task) => this.tasks.handle(conn, abort.signal, task),
      onBroken: (err) => this.linkFailed(conn, err),
    });
    const host = toNezhaHost(sample, this.boot.value ?? 0, this.deps.version);
    let dashboardBoot: number | undefined;
    try {
      dashboardBoot = await conn.reportHost(host);
    } catch (err) {
      conn.close();
      this.callFailed(err);
      return;
    }
    // The dashboard accepted the secret: open the gate even if this router no longer
    // needs the link (as the prober it would otherwise hold every other router back).
    this.deps.dashboard.secretAccepted();
    if (this.stopped || this.freshSample() === undefined) {
      conn.close();
      return;
    }
    conn.openStreams();
    this.link = { conn, abort, hostKey: hostKey(host), hostAt: clock.now(), dashboardBoot, geoKey: '', geoAt: 0, geoRetryAt: 0, receipted: false };
    const recovered = this.failures.success();
    const nodeRefusals = this.nodePause.accepted();
    if (!this.everConnected || recovered > 0 || nodeRefusals > 0) {
      sayLine(this.deps.lines, 'router live on Nezha', this.log, 'info', { uuid, failures: recovered || undefined }, `router "${router}" is live on Nezha ${dashboard.config.server} as node ${uuid}`);
    }
    this.event('link_up');
    if (this.everConnected) this.event('reconnect');
    this.everConnected = true;
    await sendGeoIp(this.link, sample, this.linkContext());
  }

  private linkContext(): LinkContext {
    return {
      now: this.deps.clock.now(),
      bootTimeS: this.boot.value ?? 0,
      version: this.deps.version,
      failed: (conn, err) => this.linkFailed(conn, err),
      geoFailed: (err) =>
        this.log.warn({ err: describeGrpcError(err, this.deps.dashboard.secret) }, `Nezha GeoIP report for router "${this.deps.router}" failed; retrying in a minute`),
    };
  }

  // ----- failures --------------------------------------------------------------------

  private dropLink(why: 'auth' | 'router' | 'stop' | 'failed'): void {
    const link = this.link;
    this.link = undefined;
    if (link === undefined) return;
    link.abort.abort();
    link.conn.close();
    this.event('link_down');
    if (why === 'auth') this.log.debug(`closing router "${this.deps.router}"'s Nezha streams: the dashboard refused the secret`);
  }

  /** A stream broke or a call on a live link failed. */
  private linkFailed(conn: NezhaConnection, err: unknown): void {
    // A link already dropped (stopped, router down, auth pause) fails as a consequence: not again.
    if (this.link?.conn !== conn) return;
    this.dropLink('failed');
    this.callFailed(err);
  }

  private callFailed(err: unknown): void {
    const { dashboard, clock, router } = this.deps;
    const uuid = this.uuid ?? router;
    const now = clock.now();
    const text = describeGrpcError(err, dashboard.secret);
    this.lastErrorAt = now;
    this.lastError = text;
    if (isNodeRefusal(err)) {
      // The secret is fine: the others go on; only this router waits.
      this.deps.dashboard.secretAccepted();
      this.retryAt = now + this.nodePause.refused(this.log, { router, uuid, server: dashboard.config.server, err: text });
      return;
    }
    if (isAuthFailure(err)) {
      dashboard.secretRefused(router, text, now);
      this.event('auth_pause');
      return;
    }
    dashboard.gate.released(uuid);
    const delay = this.reconnectDelay.next();
    const jittered = Math.round(delay * (0.8 + 0.4 * this.deps.random()));
    this.retryAt = now + jittered;
    const count = this.failures.failure(text);
    const fields = { code: errorCode(err) ?? 'NEZHA_TRANSIENT', err: text, retryInS: Math.round(jittered / 1000) };
    if (count === 1) sayLine(this.deps.lines, 'Nezha link failed', this.log, 'warn', fields, `Nezha link of router "${router}" failed; reconnecting with backoff`);
    else this.log.debug({ ...fields, count }, `Nezha link of router "${router}" still failing`);
  }

  private event(what: IntegrationEvent): void {
    this.deps.telemetry.integrationEvent?.(this.deps.router, 'nezha', what);
  }
}
