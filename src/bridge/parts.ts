/**
 * Isolation around the integrations' router parts, in the style of zigbee2mqtt's
 * `callExtensions`: every call into a part is guarded, a throw is logged once per step with
 * the integration's name, and nothing of it reaches the poll loop, the other parts or the
 * other routers. A part whose attach or start threw is stopped and dropped, so it leaves no
 * timer or socket behind.
 */
import { errorMessage } from '../errors.js';
import type { Integration, RouterContext, RouterPart } from '../integrations/contract.js';
import type { Logger } from '../log.js';
import type { RouterSample } from '../model.js';
import type { PartView } from '../router-view.js';

export class AttachedPart {
  private offerFailed = false;

  constructor(
    readonly integration: string,
    private readonly part: RouterPart,
    private readonly logger: Logger,
  ) {}

  /** False (logged) when the part threw: the caller stops it and leaves it out. */
  start(): boolean {
    try {
      this.part.start();
      return true;
    } catch (err) {
      this.logger.error({ integration: this.integration, err: errorMessage(err) }, `${this.integration}: could not start for this router; the router runs without it`);
      return false;
    }
  }

  offer(sample: RouterSample): void {
    try {
      this.part.offer(sample);
      this.offerFailed = false;
    } catch (err) {
      // Said once per failure streak: an offer runs every cycle.
      if (!this.offerFailed) this.logger.error({ integration: this.integration, err: errorMessage(err) }, `${this.integration}: offering a sample failed; other integrations are not affected`);
      this.offerFailed = true;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.part.stop();
    } catch (err) {
      this.logger.warn({ integration: this.integration, err: errorMessage(err) }, `${this.integration}: did not stop cleanly`);
    }
  }

  view(): PartView {
    try {
      return { integration: this.integration, ...this.part.status() };
    } catch (err) {
      return { integration: this.integration, lastSuccessAt: undefined, lastErrorAt: undefined, lastError: errorMessage(err), sending: false, queueAgeMs: 0, dropped: 0 };
    }
  }

  lastPing(): { value: number; at: number } | undefined {
    try {
      return this.part.lastPing?.();
    } catch {
      return undefined;
    }
  }
}

/** Attaches every integration to one router; a failing one is logged and left out. */
export function attachParts(integrations: readonly Integration[], ctx: RouterContext): AttachedPart[] {
  const parts: AttachedPart[] = [];
  for (const integration of integrations) {
    try {
      const part = integration.attach(ctx);
      if (part !== undefined) parts.push(new AttachedPart(integration.name, part, ctx.logger));
    } catch (err) {
      ctx.logger.error({ integration: integration.name, err: errorMessage(err) }, `${integration.name}: could not attach to this router; the router runs without it`);
    }
  }
  return parts;
}

/** Starts every part; one that throws is logged, stopped and left out of the returned list. */
export async function startParts(parts: readonly AttachedPart[]): Promise<AttachedPart[]> {
  const started: AttachedPart[] = [];
  for (const part of parts) {
    if (part.start()) started.push(part);
    else await part.stop();
  }
  return started;
}
