/**
 * The pause of one router whose node UUID the Nezha dashboard refuses ("client UUID does not
 * belong to the agent secret owner"): unlike a refused secret, this concerns that router
 * alone, so only it waits — 5 min, doubling to 1 h while the refusal lasts — and the message
 * says what to do. Said once per episode at error level, then at debug.
 */
import type { Logger } from '../../log.js';
import { DoublingDelay } from '../../time/repeats.js';
import { AUTH_PAUSE_FIRST_MS, AUTH_PAUSE_MAX_MS } from './auth-gate.js';

export interface NodeRefusal {
  router: string;
  uuid: string;
  server: string;
  /** The dashboard's answer, secret masked. */
  err: string;
}

export class NodePause {
  private refusals = 0;
  private readonly delay = new DoublingDelay(AUTH_PAUSE_FIRST_MS, AUTH_PAUSE_MAX_MS);

  /** Records a refusal, logs it, and returns how long this router waits before it tries again. */
  refused(log: Logger, r: NodeRefusal): number {
    this.refusals++;
    const pauseMs = this.delay.next();
    const minutes = Math.round(pauseMs / 60_000);
    const fields = { code: 'NEZHA_NODE_REFUSED', uuid: r.uuid, err: r.err, retryInMin: minutes, refusals: this.refusals };
    if (this.refusals > 1) {
      log.debug(fields, `the Nezha dashboard ${r.server} still refuses router "${r.router}"'s node ${r.uuid}`);
      return pauseMs;
    }
    log.error(
      fields,
      `the Nezha dashboard ${r.server} refuses router "${r.router}"'s node ${r.uuid}: that server belongs to another user of the dashboard than the agent secret's. Only this router is paused (retried in ${minutes} min); the others keep reporting. Fix: in the dashboard, delete that server or move it to the secret's user, or give this router its own nezha.uuid, or use the agent secret of the server's owner`,
    );
    return pauseMs;
  }

  /** The node was accepted: returns how many refusals this ended. */
  accepted(): number {
    const ended = this.refusals;
    this.refusals = 0;
    this.delay.reset();
    return ended;
  }
}
