/**
 * Reports one router as one live Nezha node, the way the official agent does:
 * `ReportSystemInfo2(Host)` first (then every 10 min, and at once when the Host changes,
 * e.g. after a reboot), then the task stream and the state stream, one State per
 * `reportInterval` that waits for its Receipt, and `ReportGeoIP` with the router's public
 * addresses when they change, after a dashboard restart and every 30 min.
 *
 * The State cadence is the sink's own (Nezha marks a node offline after 6 s without one),
 * while samples arrive at the router's poll interval: each State carries the latest good
 * sample. When the router cannot be polled (the runner says it is not up, or the sample is
 * older than `staleAfterMs`), no State is sent and the streams are closed, so Nezha shows the
 * node offline instead of stale figures; the link reopens with the next good poll.
 *
 * Failures. A broken stream or a failed call closes the link; it is reopened after 10 s
 * (with jitter), doubling to 5 min while it keeps failing. An auth refusal goes to the
 * dashboard's AuthGate, which closes every router's link and pauses them all (see there).
 * Nothing here throws.
 *
 * Temperatures come with the sample (the poller reads `/system/health`); the State cadence
 * runs on the shared Loop.
 */
import { errorCode, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { RouterInfo, RouterSample } from '../../model.js';
import type { PingVia, Probe } from '../../probes/kinds.js';
import { routerPingTimeoutMs } from '../../probes/kinds.js';
import type { HttpOutcome } from '../../probes/http-probe.js';
import type { Measure } from '../../probes/measure.js';
import type { IntegrationEvent, MonitorType, Telemetry } from '../../telemetry.js';
import { Loop } from '../../time/loop.js';
import { DoublingDelay, RepeatCounter } from '../../time/repeats.js';
import type { Clock } from '../../time/timers.js';
import type { RouterPart } from '../contract.js';
import { NezhaConnection } from './connection.js';
import type { NezhaDashboard } from './dashboard.js';
import { describeGrpcError, isAuthFailure, isNodeRefusal } from './grpc-errors.js';
import { NodePause } from './node-pause.js';
import { BootTime, geoIpKey, hostKey, temperaturesOf, toNezhaGeoIp, toNezhaHost, toNezhaState } from './payload.js';
import type { NezhaTask } from './proto.js';
import { planTask, TASK_NOMINAL_INTERVAL_S, TASK_TIMEOUT_MS, TaskType, taskTypeName } from './tasks.js';

export interface NezhaSinkDeps {
  router: string;
  /** The node's UUID, already validated, or how to resolve it at the first connection (see node-identity.ts). */
  uuid: string | ((info: RouterInfo) => Promise<string>);
  dashboard: NezhaDashboard;
  /** Whether the router answered its last poll. */
  isRouterUp: () => boolean;
  measure: Measure;
  /** HTTP GET by the Nezha agent's rule (body read, certificate data); without it, `measure` is used. */
  httpGet?: (url: string, options: { signal: AbortSignal; timeoutMs: number }) => Promise<HttpOutcome>;
  ping: { via: PingVia; count: number };
  /** A sample older than this is not sent: the router is treated as unreachable. */
  staleAfterMs: number;
  /** tikprobe's version, shown as the agent version. */
  version: string;
  clock: Clock;
  random: () => number;
  logger: Logger;
  /** Receives every task result (the v0 API's monitor history listens). */
  telemetry: Telemetry;
  /** A boot time kept from an earlier run (Unix s), and where a new one is saved. */
  bootTime?: { restored: number | undefined; save(bootTimeS: number): void };
}

export const HOST_REFRESH_MS = 10 * 60_000;
export const GEOIP_REFRESH_MS = 30 * 60_000;
const GEOIP_RETRY_MS = 60_000;
const RECONNECT_FIRST_MS = 10_000;
const RECONNECT_MAX_MS = 5 * 60_000;
const MAX_TASKS_IN_FLIGHT = 8;

interface Link {
  conn: NezhaConnection;
  abort: AbortController;
  hostKey: string;
  hostAt: number;
  dashboardBoot: number | undefined;
  geoKey: string;
  geoAt: number;
  geoRetryAt: number;
  receipted: boolean;
}

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
  private tasksInFlight = 0;
  private statesSent = 0;
  private lastAckAt: number | undefined;
  private lastErrorAt: number | undefined;
  private lastError: string | undefined;
  private uuid: string | undefined;
  private readonly nodePause = new NodePause();

  constructor(private readonly deps: NezhaSinkDeps) {
    this.uuid = typeof deps.uuid === 'string' ? deps.uuid : undefined;
    this.boot = new BootTime(deps.bootTime?.restored);
    const interval = deps.dashboard.config.reportInterval;
    this.loop = new Loop({
      intervalMs: interval,
      startDelayMs: interval,
      // Every State cycle succeeds as far as the loop is concerned: link failures have their own backoff.
      backoff: { baseMs: interval, capMs: interval, jitter: 0 },
      clock: deps.clock,
      random: deps.random,
      tick: async () => {
        await this.step();
        return { ok: true };
      },
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
        this.log.info(`router "${this.deps.router}" cannot be polled: closing its Nezha streams (the node shows offline)`);
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
    await this.refresh(this.link, sample);
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
      onTask: (task) => this.onTask(conn, abort.signal, task),
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
    this.secretAccepted();
    if (this.stopped || this.freshSample() === undefined) {
      conn.close();
      return;
    }
    conn.openStreams();
    this.link = { conn, abort, hostKey: hostKey(host), hostAt: clock.now(), dashboardBoot, geoKey: '', geoAt: 0, geoRetryAt: 0, receipted: false };
    const recovered = this.failures.success();
    const nodeRefusals = this.nodePause.accepted();
    if (!this.everConnected || recovered > 0 || nodeRefusals > 0) {
      this.log.info({ uuid, failures: recovered || undefined }, `router "${router}" is live on Nezha ${dashboard.config.server} as node ${uuid}`);
    }
    this.event('link_up');
    if (this.everConnected) this.event('reconnect');
    this.everConnected = true;
    await this.sendGeoIp(this.link, sample);
  }

  private secretAccepted(): void {
    const { dashboard } = this.deps;
    const ended = dashboard.gate.accepted();
    if (ended > 0) dashboard.logger.info({ refusals: ended }, `the Nezha dashboard ${dashboard.config.server} accepts the agent secret again; all routers reconnect`);
  }

  /** Host again every 10 min or when it changed (a reboot moves boot_time); GeoIP when due. */
  private async refresh(link: Link, sample: RouterSample): Promise<void> {
    const now = this.deps.clock.now();
    const host = toNezhaHost(sample, this.boot.value ?? 0, this.deps.version);
    const key = hostKey(host);
    if (key !== link.hostKey || now - link.hostAt >= HOST_REFRESH_MS) {
      let dashboardBoot: number | undefined;
      try {
        dashboardBoot = await link.conn.reportHost(host);
      } catch (err) {
        this.linkFailed(link.conn, err);
        return;
      }
      // A changed dashboard boot time means it restarted and forgot the GeoIP.
      if (dashboardBoot !== undefined && link.dashboardBoot !== undefined && dashboardBoot !== link.dashboardBoot) link.geoKey = '';
      link.dashboardBoot = dashboardBoot ?? link.dashboardBoot;
      link.hostKey = key;
      link.hostAt = now;
    }
    await this.sendGeoIp(link, sample);
  }

  /** Only the router's own public addresses: with none, the dashboard would show this host's. */
  private async sendGeoIp(link: Link, sample: RouterSample): Promise<void> {
    const geo = toNezhaGeoIp(sample.info);
    if (geo === undefined || link.conn.isClosed) return;
    const now = this.deps.clock.now();
    const key = geoIpKey(geo);
    if (key === link.geoKey && now - link.geoAt < GEOIP_REFRESH_MS) return;
    if (now < link.geoRetryAt) return;
    try {
      const reply = await link.conn.reportGeoIp(geo);
      link.geoKey = key;
      link.geoAt = now;
      if (reply.dashboard_boot_time > 0 && link.dashboardBoot !== undefined && reply.dashboard_boot_time !== link.dashboardBoot) {
        link.dashboardBoot = reply.dashboard_boot_time;
      }
    } catch (err) {
      if (isAuthFailure(err)) {
        this.linkFailed(link.conn, err);
        return;
      }
      link.geoRetryAt = now + GEOIP_RETRY_MS;
      this.log.warn({ err: describeGrpcError(err, this.deps.dashboard.secret) }, `Nezha GeoIP report for router "${this.deps.router}" failed; retrying in a minute`);
    }
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
      this.secretAccepted();
      this.retryAt = now + this.nodePause.refused(this.log, { router, uuid, server: dashboard.config.server, err: text });
      return;
    }
    if (isAuthFailure(err)) {
      const { pauseMs, first, refusals } = dashboard.gate.refused(now);
      this.event('auth_pause');
      const minutes = Math.round(pauseMs / 60_000);
      if (first) {
        dashboard.logger.error(
          { code: 'NEZHA_AUTH', err: text, router, retryInMin: minutes },
          `the Nezha dashboard ${dashboard.config.server} refused the agent secret or node UUID (${text}): every router's streams to it are stopped and retried in ${minutes} min; check nezha.secret (and nezha.uuid) — repeated failures get this host's IP banned by the dashboard`,
        );
      } else {
        dashboard.logger.debug({ code: 'NEZHA_AUTH', refusals, retryInMin: minutes }, `the Nezha dashboard ${dashboard.config.server} still refuses the agent secret`);
      }
      return;
    }
    dashboard.gate.released(uuid);
    const delay = this.reconnectDelay.next();
    const jittered = Math.round(delay * (0.8 + 0.4 * this.deps.random()));
    this.retryAt = now + jittered;
    const count = this.failures.failure(text);
    const fields = { code: errorCode(err) ?? 'NEZHA_TRANSIENT', err: text, retryInS: Math.round(jittered / 1000) };
    if (count === 1) this.log.warn(fields, `Nezha link of router "${router}" failed; reconnecting with backoff`);
    else this.log.debug({ ...fields, count }, `Nezha link of router "${router}" still failing`);
  }

  // ----- tasks -----------------------------------------------------------------------

  private onTask(conn: NezhaConnection, signal: AbortSignal, task: NezhaTask): void {
    const plan = planTask(task.type, task.data, this.deps.ping.via, this.deps.ping.count);
    if (plan.action === 'ignore') return;
    if (plan.action === 'fail') {
      if (task.type !== TaskType.HttpGet && task.type !== TaskType.IcmpPing && task.type !== TaskType.TcpPing) {
        this.log.info({ taskId: task.id, type: task.type }, `refused a Nezha ${taskTypeName(task.type)} task for router "${this.deps.router}": tikprobe never executes anything on request`);
      }
      this.sendTaskResult(conn, { id: task.id, type: task.type, delay: 0, data: plan.message, successful: false });
      return;
    }
    if (this.tasksInFlight >= MAX_TASKS_IN_FLIGHT) {
      this.sendTaskResult(conn, { id: task.id, type: task.type, delay: 0, data: 'too many tasks in flight for this router; skipped', successful: false });
      return;
    }
    this.tasksInFlight++;
    void this.runProbe(conn, signal, task, plan.probe).finally(() => {
      this.tasksInFlight--;
    });
  }

  private async runProbe(conn: NezhaConnection, signal: AbortSignal, task: NezhaTask, probe: Probe): Promise<void> {
    const at = this.deps.clock.now();
    const { delay, data, ok } = await this.measureTask(probe, signal);
    if (signal.aborted) return;
    this.deps.telemetry.monitorResult?.(this.deps.router, { source: 'nezha', id: task.id, name: monitorName(task), type: monitorType(task.type) }, at, ok ? delay : undefined);
    this.sendTaskResult(conn, { id: task.id, type: task.type, delay: delay ?? 0, data, successful: ok });
  }

  private sendTaskResult(conn: NezhaConnection, result: Parameters<NezhaConnection['sendTaskResult']>[0]): void {
    conn.sendTaskResult(result);
    this.event('task_result');
  }

  private event(what: IntegrationEvent): void {
    this.deps.telemetry.integrationEvent?.(this.deps.router, 'nezha', what);
  }

  /** The agent's answer: a success's delay (and for HTTPS the certificate data), or the failure text. */
  private async measureTask(probe: Probe, signal: AbortSignal): Promise<{ delay: number | undefined; data: string; ok: boolean }> {
    if (probe.kind === 'router-icmp' && !this.deps.isRouterUp()) return { delay: undefined, data: 'the router cannot be reached by tikprobe right now', ok: false };
    const timeoutMs = probe.kind === 'router-icmp' ? routerPingTimeoutMs(probe.count, TASK_NOMINAL_INTERVAL_S) : TASK_TIMEOUT_MS;
    try {
      if (probe.kind === 'http' && this.deps.httpGet !== undefined) {
        const outcome = await this.deps.httpGet(probe.url, { signal, timeoutMs });
        // As the agent: a failure still carries the delay when there was an answer.
        return outcome.ok ? { delay: outcome.delayMs, data: outcome.certificate ?? '', ok: true } : { delay: outcome.delayMs, data: outcome.reason, ok: false };
      }
      const delay = await this.deps.measure(probe, { signal, timeoutMs });
      return delay === undefined ? { delay, data: lossText(probe), ok: false } : { delay, data: '', ok: true };
    } catch (err) {
      return { delay: undefined, data: errorMessage(err), ok: false };
    }
  }
}

function monitorType(type: number): MonitorType {
  return type === TaskType.IcmpPing ? 'icmp' : type === TaskType.TcpPing ? 'tcp' : 'http';
}

function lossText(probe: Probe): string {
  switch (probe.kind) {
    case 'router-icmp':
    case 'bridge-icmp':
      return `no reply from ${probe.host}`;
    case 'tcp':
      return `cannot connect to ${probe.address.host}:${probe.address.port}`;
    case 'http':
      return 'no 2xx/3xx answer within 10 s';
  }
}

function monitorName(task: NezhaTask): string {
  return `${taskTypeName(task.type)} ${task.data.trim()}`.slice(0, 120);
}
