/**
 * Reports one router as one Komari node: basic info when needed, then one report per
 * successful poll.
 *
 * Token: resolved (configured, saved, or registered once) by token-resolver.ts; reports
 * wait for it.
 *
 * Failures. A 401/403 means the token is not accepted: one error line, then the router's
 * sending pauses and is retried after 60 s, doubling to 10 min; the first success after
 * that logs once at info. Other failures: a warning with status and reply body, repeats of
 * the same failure at debug with a counter, and an info line when sending works again.
 * Basic info that fails is retried after a minute (sooner if it changes) and never holds
 * back the report. Nothing here throws.
 *
 * Token check (for `tikprobe check`): `verifyToken` reads the node's ping-task list, which is
 * read-only and answers 401 to a wrong token on every supported Komari (≥ 1.1.8).
 */
import { errorCode, errorMessage, KomariError } from '../../errors.js';
import { type FleetLines, sayLine } from '../../fleet-lines.js';
import type { Logger } from '../../log.js';
import type { RouterSample } from '../../model.js';
import type { RouterSink } from '../sink.js';
import { type KomariClient, verifyKomariToken } from './client.js';
import { basicInfoDigest, type KomariBasicInfo, lacksPublicAddress, toKomariBasicInfo, toKomariReport } from './payload.js';
import { DoublingDelay, RepeatCounter } from '../../time/repeats.js';
import { type KomariSinkResult, replyOf } from './sink-result.js';
import { KomariTokenResolver } from './token-resolver.js';
import type { TokenStore } from './token-store.js';
import type { CancelSignal } from '../../time/cancel.js';

export type { KomariSinkResult } from './sink-result.js';

export interface KomariSinkDeps {
  router: string;
  client: KomariClient;
  /** From the config; wins over any saved registration. */
  token: string | undefined;
  discoveryKey: string | undefined;
  tokens: TokenStore;
  basicInfoIntervalMs: number;
  /** tikprobe's own version, sent as basic info `version`. */
  version: string;
  logger: Logger;
  /** Fleet-wide limits on the lines a failure of many routers at once says (a Komari outage). */
  lines?: FleetLines;
  /** Epoch ms. */
  now: () => number;
}

const AUTH_RETRY_FIRST_MS = 60_000;
const AUTH_RETRY_MAX_MS = 10 * 60_000;
const BASIC_INFO_RETRY_MS = 60_000;

/** Basic info with its change-detection key (`basicInfoDigest`), computed once per info object. */
type KeyedInfo = { body: KomariBasicInfo; key: string };

export class KomariSink implements RouterSink {
  readonly kind = 'komari';

  private readonly tokens: KomariTokenResolver;

  private pausedUntil: number | undefined;
  // The failure counters come with the first failure of their kind: every router holds a sink,
  // few ever see a failure (~0.2 KB per router).
  private authDelay: DoublingDelay | undefined;
  private authFailures: RepeatCounter | undefined;

  private sentInfo: { key: string; at: number } | undefined;
  private failedInfo: { key: string; retryAt: number } | undefined;
  private noAddressWarned = false;
  /** The last mapping, reused while the poller hands the same (immutable) info object: it changes every basic-info interval, not every report. */
  private keyedInfo: { from: RouterSample['info']; keyed: KeyedInfo } | undefined;
  private infoFailures: RepeatCounter | undefined;
  private reportFailures: RepeatCounter | undefined;

  private last: KomariSinkResult | undefined;
  private stopped = false;

  constructor(private readonly deps: KomariSinkDeps) {
    this.tokens = new KomariTokenResolver(deps, (result) => {
      this.last = result;
    });
  }

  async start(signal: CancelSignal): Promise<void> {
    await this.guard('start', async () => {
      await this.tokens.ensure(signal);
    });
  }

  async push(sample: RouterSample, signal: CancelSignal): Promise<void> {
    await this.guard('push', () => this.send(sample, signal));
  }

  /** Waits for a registration in flight (and its save), so its answer is kept. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.tokens.stop();
  }

  /** The node token in use, once resolved (for the ping-task feature). */
  token(): string | undefined {
    return this.tokens.token();
  }

  /** The outcome of the last report attempt (or of the token step that prevented it). */
  lastResult(): KomariSinkResult | undefined {
    return this.last === undefined ? undefined : { ...this.last };
  }

  /** Rejects with a KomariError when the token is missing or not accepted; sends no data. */
  async verifyToken(signal?: CancelSignal): Promise<void> {
    const token = this.tokens.token() ?? this.deps.token;
    if (token === undefined) throw new KomariError('KOMARI_AUTH', `router "${this.deps.router}" has no Komari token yet`);
    await verifyKomariToken(this.deps.client, token, signal);
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  /** A bug must not stop the router's loop: log it and carry on. */
  private async guard(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, `Komari sink ${what} failed unexpectedly for router "${this.deps.router}"`);
    }
  }

  // ----- sending ---------------------------------------------------------------------

  private async send(sample: RouterSample, signal: CancelSignal): Promise<void> {
    if (this.stopped) return;
    const token = await this.tokens.ensure(signal);
    if (token === undefined) return;
    const now = this.deps.now();
    if (this.pausedUntil !== undefined && now < this.pausedUntil) return;

    const info = this.basicInfoOf(sample);
    if (info !== undefined && this.basicInfoDue(info.key, now)) {
      const outcome = await this.sendBasicInfo(token, info, signal);
      // A refused token refuses the report too; stopping ends the send here.
      if (outcome === 'auth' || signal.aborted) return;
    }

    let report: ReturnType<typeof toKomariReport>;
    try {
      report = toKomariReport(sample);
    } catch (err) {
      this.reportFailed(err);
      return;
    }
    try {
      await this.deps.client.report(token, report, signal);
    } catch (err) {
      // Stopping aborted it: not a Komari failure, nothing to warn about.
      if (signal.aborted) this.log.debug({ err: errorMessage(err) }, `Komari report for router "${this.deps.router}" not sent: stopping`);
      else if (errorCode(err) === 'KOMARI_AUTH') this.authFailed(err);
      else this.reportFailed(err);
      return;
    }
    this.authSucceeded();
    const ended = this.reportFailures?.success() ?? 0;
    if (ended > 0) sayLine(this.deps.lines, 'Komari accepts reports again', this.log, 'info', { failures: ended }, `Komari accepts reports for router "${this.deps.router}" again`);
    this.last = { ok: true, at: this.deps.now() };
  }

  /** The sample's basic info with its change-detection key, or undefined when it cannot be mapped. */
  private basicInfoOf(sample: RouterSample): KeyedInfo | undefined {
    if (this.keyedInfo?.from === sample.info) return this.keyedInfo.keyed;
    try {
      const info = toKomariBasicInfo(sample.info, this.deps.version);
      if (lacksPublicAddress(info) && !this.noAddressWarned) {
        this.noAddressWarned = true;
        this.log.warn(`router "${this.deps.router}" has no known public IPv4 or IPv6: Komari will show this host's address for the node`);
      }
      const keyed = { body: info, key: basicInfoDigest(info) };
      this.keyedInfo = { from: sample.info, keyed };
      return keyed;
    } catch (err) {
      this.infoFailed(err);
      return undefined;
    }
  }

  /** Never sent, changed, or older than the interval; a failed one waits a minute unless it changed. */
  private basicInfoDue(key: string, now: number): boolean {
    if (this.failedInfo !== undefined && this.failedInfo.key === key && now < this.failedInfo.retryAt) return false;
    if (this.sentInfo === undefined || this.sentInfo.key !== key) return true;
    return now - this.sentInfo.at >= this.deps.basicInfoIntervalMs;
  }

  private async sendBasicInfo(token: string, { body, key }: KeyedInfo, signal: CancelSignal): Promise<'ok' | 'auth' | 'failed'> {
    try {
      await this.deps.client.uploadBasicInfo(token, body, signal);
    } catch (err) {
      if (signal.aborted) return 'failed';
      if (errorCode(err) === 'KOMARI_AUTH') {
        this.authFailed(err);
        return 'auth';
      }
      this.failedInfo = { key, retryAt: this.deps.now() + Math.min(BASIC_INFO_RETRY_MS, this.deps.basicInfoIntervalMs) };
      this.infoFailed(err);
      return 'failed';
    }
    this.sentInfo = { key, at: this.deps.now() };
    this.failedInfo = undefined;
    this.authSucceeded();
    const ended = this.infoFailures?.success() ?? 0;
    if (ended > 0) sayLine(this.deps.lines, 'Komari accepts basic info again', this.log, 'info', { failures: ended }, `Komari accepts basic info for router "${this.deps.router}" again`);
    return 'ok';
  }

  private infoFailed(err: unknown): void {
    this.infoFailures ??= new RepeatCounter();
    this.warnOrCount(this.infoFailures, err, 'Komari basic info failed', `Komari basic info for router "${this.deps.router}" failed`);
  }

  private reportFailed(err: unknown): void {
    this.recordFailure(err, this.deps.now());
    this.reportFailures ??= new RepeatCounter();
    this.warnOrCount(this.reportFailures, err, 'Komari report failed', `Komari report for router "${this.deps.router}" failed`);
  }

  /** First occurrence at warn with the status and the reply body; repeats at debug with a count. */
  private warnOrCount(counter: RepeatCounter, err: unknown, topic: string, text: string): void {
    const { status, body } = replyOf(err);
    const code = errorCode(err);
    const count = counter.failure(`${code ?? ''}:${status ?? ''}:${body ?? errorMessage(err)}`);
    const fields = { code, status, body, err: errorMessage(err) };
    // Held back by a Retry-After already logged with the reply that asked for it.
    const held = err instanceof KomariError && err.retryAfterMs !== undefined && status === undefined;
    if (count === 1 && !held) sayLine(this.deps.lines, topic, this.log, 'warn', fields, text);
    else this.log.debug({ ...fields, count }, `${text} (again)`);
  }

  private recordFailure(err: unknown, at: number): void {
    this.last = { ok: false, at, status: replyOf(err).status, error: errorMessage(err) };
  }

  // ----- token not accepted ------------------------------------------------------------

  private authFailed(err: unknown): void {
    const now = this.deps.now();
    this.authDelay ??= new DoublingDelay(AUTH_RETRY_FIRST_MS, AUTH_RETRY_MAX_MS);
    const delayMs = this.authDelay.next();
    this.pausedUntil = now + delayMs;
    const { status } = replyOf(err);
    this.recordFailure(err, now);
    this.authFailures ??= new RepeatCounter();
    const count = this.authFailures.failure('auth');
    const retryInS = Math.round(delayMs / 1000);
    if (count > 1) {
      this.log.debug({ status, count, retryInS }, `Komari still does not accept the token of router "${this.deps.router}"`);
      return;
    }
    const source = this.deps.token !== undefined ? 'check komari.token in the configuration' : 'the saved registration may belong to a deleted node';
    this.log.error(
      { status, retryInS },
      `Komari does not accept the token of router "${this.deps.router}" (HTTP ${status ?? '?'}): ${source}; sending is paused and retried every ${retryInS} s or more`,
    );
  }

  private authSucceeded(): void {
    if (this.authFailures === undefined || !this.authFailures.failing) return;
    const refusals = this.authFailures.success();
    this.authDelay?.reset();
    this.pausedUntil = undefined;
    this.log.info({ refusals }, `Komari accepts the token of router "${this.deps.router}" again`);
  }
}
