/**
 * The fleet-wide brake for one Nezha dashboard. Every router connects from this host's IP,
 * and the dashboard bans an IP for `failures⁴` seconds after refused secrets, so one refusal
 * must stop every router's connection to that dashboard at once, and the retry after the
 * pause must be a single probe, not the whole fleet in parallel.
 *
 * States: open (everyone connects) → refused (nobody until `blockedUntil`) → probing (the
 * first router to ask after the pause tries alone) → open again on its success, or refused
 * with twice the pause. Pure apart from the listener calls: time comes in as arguments.
 */
import { DoublingDelay } from '../../time/repeats.js';

export const AUTH_PAUSE_FIRST_MS = 5 * 60_000;
export const AUTH_PAUSE_MAX_MS = 60 * 60_000;

export class AuthGate {
  /** Refusals since the dashboard last accepted; 0 while the gate is open. */
  private refusals = 0;
  private blockedUntil = 0;
  private prober: string | undefined;
  private readonly pause = new DoublingDelay(AUTH_PAUSE_FIRST_MS, AUTH_PAUSE_MAX_MS);
  private readonly listeners = new Set<() => void>();

  /** Called (synchronously) whenever the dashboard refused: each router closes its streams. */
  onRefused(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether router `who` may open a connection now. After a pause exactly one router probes. */
  mayConnect(who: string, now: number): boolean {
    if (this.refusals === 0) return true;
    if (now < this.blockedUntil) return false;
    if (this.prober === undefined) this.prober = who;
    return this.prober === who;
  }

  /** The dashboard refused the secret (or banned us): pause everyone. Returns the pause and whether this began a new episode. */
  refused(now: number): { pauseMs: number; first: boolean; refusals: number } {
    const first = this.refusals === 0;
    this.refusals++;
    const pauseMs = this.pause.next();
    this.blockedUntil = now + pauseMs;
    this.prober = undefined;
    for (const l of [...this.listeners]) l();
    return { pauseMs, first, refusals: this.refusals };
  }

  /** A call was accepted. Returns how many refusals this ended (0 when none were pending). */
  accepted(): number {
    const ended = this.refusals;
    if (ended === 0) return 0;
    this.refusals = 0;
    this.prober = undefined;
    this.blockedUntil = 0;
    this.pause.reset();
    return ended;
  }

  /** A probing router failed for another reason (network): let the next router probe. */
  released(who: string): void {
    if (this.prober === who) this.prober = undefined;
  }
}
