/**
 * Pauses a router's router-side pings when its RouterOS user lacks the `test` policy.
 * The first refusal is logged ONCE as an error that names the fix; while paused, no ping
 * is sent and no result is posted (a -1 would be an invented loss). One ping is tried
 * again after `retryMs`, so a fixed user group is picked up without a restart.
 */
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

export const POLICY_RETRY_MS = 10 * 60_000;

export class RouterPingGate {
  private pausedUntil: number | undefined;
  private refusals = 0;

  constructor(
    private readonly router: string,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly retryMs = POLICY_RETRY_MS,
  ) {}

  /** False while paused; true again once `retryMs` have passed (for one try). */
  canRun(): boolean {
    return this.pausedUntil === undefined || this.now() >= this.pausedUntil;
  }

  /** The router refused `/ping` for lack of the `test` policy. */
  policyDenied(err: unknown): void {
    this.refusals += 1;
    const first = this.pausedUntil === undefined;
    this.pausedUntil = this.now() + this.retryMs;
    const fields = { code: 'ROUTER_POLICY', err: errorMessage(err), retryInMs: this.retryMs };
    if (first) {
      this.logger.error(
        fields,
        `router ${this.router}: its RouterOS user lacks the "test" policy that /ping needs, so router-side ping tasks are paused ` +
          '(fix: add "test" to the user\'s group, e.g. /user group set <group> policy=read,api,rest-api,test; or set ping.via: bridge)',
      );
    } else {
      this.logger.debug({ ...fields, refusals: this.refusals }, 'router-side ping still refused: missing "test" policy (still)');
    }
  }

  /** A router-side ping went through; lifts a pause. */
  succeeded(): void {
    if (this.pausedUntil === undefined) return;
    this.pausedUntil = undefined;
    this.refusals = 0;
    this.logger.info(`router ${this.router}: router-side ping works again ("test" policy present)`);
  }
}
