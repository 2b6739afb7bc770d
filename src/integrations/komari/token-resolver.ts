/**
 * Which token one router's Komari node uses. The configured token wins; otherwise a saved
 * registration; otherwise, with the discovery key, the router registers ONCE. Komari creates
 * a new node on every registration, so:
 * - registration runs at most once at a time (concurrent callers share it);
 * - the answer is saved BEFORE the token is used. If the save fails, the credentials stay in
 *   memory unused and only the save is retried later; it never registers again while it
 *   holds unsaved credentials. Should the process end before a save succeeds, the next run
 *   registers anew; the orphaned node then never received data, so it is an empty node an
 *   admin can delete rather than a node with history that silently went quiet;
 * - a failed `load` is not "never registered": nothing is registered until a load succeeds;
 * - a registration in flight is not cancelled by shutdown (it is bounded by the client's
 *   timeout), so its answer is not lost; none is started once shutdown has begun.
 * Failed loads, registrations and saves are retried on later calls after 30 s, doubling to
 * 10 min; the first failure of a kind is an error line, repeats are debug.
 */
import { errorCode, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import { DoublingDelay, RepeatCounter } from '../../time/repeats.js';
import type { KomariClient, KomariCredentials } from './client.js';
import { type KomariSinkResult, replyOf } from './sink-result.js';
import type { TokenStore } from './token-store.js';
import type { CancelSignal } from '../../time/cancel.js';

const TOKEN_RETRY_FIRST_MS = 30_000;
const TOKEN_RETRY_MAX_MS = 10 * 60_000;

type Step = 'load' | 'register' | 'save';

export interface TokenResolverDeps {
  router: string;
  client: KomariClient;
  /** From the config; wins over any saved registration. */
  token: string | undefined;
  discoveryKey: string | undefined;
  tokens: TokenStore;
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
}

export class KomariTokenResolver {
  private resolved: string | undefined;
  /** Registered but not yet saved: held back from use, and never registered again. */
  private unsaved: KomariCredentials | undefined;
  private resolving: Promise<void> | undefined;
  private tokenRetryAt = 0;
  // With the first failure (most routers never have one).
  private tokenDelay: DoublingDelay | undefined;
  private tokenFailures: RepeatCounter | undefined;
  private missingKeyLogged = false;
  private stopped = false;

  /** `onFailure`: the outcome a failed step stands for (the sink's last result). */
  constructor(
    private readonly deps: TokenResolverDeps,
    private readonly onFailure: (result: KomariSinkResult) => void,
  ) {}

  /** The token in use, once resolved. */
  token(): string | undefined {
    return this.resolved;
  }

  /** Starts no new registration; waits for one in flight (and its save), so its answer is kept. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.resolving;
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  /** The token to use, resolving it first when needed; undefined while there is none. */
  async ensure(signal: CancelSignal): Promise<string | undefined> {
    if (this.resolved !== undefined) return this.resolved;
    if (this.deps.token !== undefined) {
      this.resolved = this.deps.token;
      return this.resolved;
    }
    this.resolving ??= this.resolveToken(signal).finally(() => {
      this.resolving = undefined;
    });
    await this.resolving;
    return this.resolved;
  }

  private async resolveToken(signal: CancelSignal): Promise<void> {
    if (this.deps.now() < this.tokenRetryAt) return;
    const { router, tokens } = this.deps;
    if (this.unsaved === undefined) {
      let stored: KomariCredentials | undefined;
      try {
        stored = await tokens.load(router);
      } catch (err) {
        this.tokenFailed('load', err);
        return;
      }
      if (stored !== undefined) {
        this.tokenSucceeded();
        this.resolved = stored.token;
        this.log.debug({ uuid: stored.uuid }, `using the saved Komari registration of router "${router}"`);
        return;
      }
      const key = this.deps.discoveryKey;
      if (key === undefined) {
        if (!this.missingKeyLogged) {
          this.missingKeyLogged = true;
          this.log.error(`router "${router}" has no Komari token and no komari.autoDiscoveryKey is set: nothing is sent`);
        }
        this.onFailure({ ok: false, at: this.deps.now(), error: 'no Komari token' });
        return;
      }
      if (signal.aborted || this.stopped) return;
      try {
        // Deliberately without the shutdown signal: an abandoned registration leaves a node behind.
        this.unsaved = await this.deps.client.register(key, router);
      } catch (err) {
        this.tokenFailed('register', err);
        return;
      }
      this.log.info({ uuid: this.unsaved.uuid }, `registered router "${router}" with Komari as node "Auto-${router}"`);
    }
    const creds = this.unsaved;
    try {
      await tokens.save(router, creds);
    } catch (err) {
      this.tokenFailed('save', err);
      return;
    }
    this.unsaved = undefined;
    this.tokenSucceeded();
    this.resolved = creds.token;
  }

  private tokenFailed(step: Step, err: unknown): void {
    this.tokenDelay ??= new DoublingDelay(TOKEN_RETRY_FIRST_MS, TOKEN_RETRY_MAX_MS);
    const delayMs = this.tokenDelay.next();
    const now = this.deps.now();
    this.tokenRetryAt = now + delayMs;
    const { status, body } = replyOf(err);
    this.tokenFailures ??= new RepeatCounter();
    const repeat = this.tokenFailures.failure(`${step}:${errorCode(err) ?? ''}:${status ?? ''}:${errorMessage(err)}`);
    this.onFailure({ ok: false, at: now, status, error: errorMessage(err) });
    const fields = { step, status, body, retryInS: Math.round(delayMs / 1000) };
    if (repeat > 1) {
      this.log.debug({ ...fields, count: repeat }, `Komari token step "${step}" still failing for router "${this.deps.router}"`);
      return;
    }
    const { router } = this.deps;
    const text =
      step === 'load'
        ? `cannot read the saved Komari registration of router "${router}"; not registering until it can be read`
        : step === 'save'
          ? `registered router "${router}" with Komari but could not save the registration; the token stays unused and the save is retried (no new registration)`
          : errorCode(err) === 'KOMARI_AUTH'
            ? `Komari does not accept the auto-discovery key (registering router "${router}")`
            : `could not register router "${router}" with Komari`;
    this.log.error({ ...fields, err: errorMessage(err) }, text);
  }

  private tokenSucceeded(): void {
    this.tokenDelay?.reset();
    this.tokenRetryAt = 0;
    this.tokenFailures?.success();
  }
}
