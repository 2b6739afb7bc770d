/**
 * Calls and one-way notes over a worker_threads port, both directions: `call` resolves with
 * the other side's handler result (or rejects with its error, a TikprobeError keeping its
 * code), `note` delivers without an answer. Messages are plain structured-clone data.
 */
import { type ErrorCode, TikprobeError } from '../errors.js';

/** The part of a MessagePort or Worker this needs. */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

type Handler = (arg: never) => unknown;

export type WireMessage =
  | { t: 'call'; id: number; op: string; arg: unknown }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: { code: string | undefined; message: string } }
  | { t: 'note'; op: string; arg: unknown };

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class PortRpc {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedWith: Error | undefined;

  constructor(
    private readonly port: PortLike,
    private readonly calls: Record<string, Handler>,
    private readonly notes: Record<string, Handler>,
  ) {
    port.on('message', (m) => this.receive(m as WireMessage));
  }

  call<T>(op: string, arg?: unknown): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.port.postMessage({ t: 'call', id, op, arg } satisfies WireMessage);
    });
  }

  note(op: string, arg?: unknown): void {
    if (!this.closedWith) this.port.postMessage({ t: 'note', op, arg } satisfies WireMessage);
  }

  /** The other side is gone: every call in flight, and every later one, rejects with `err`. */
  close(err: Error): void {
    this.closedWith ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private receive(m: WireMessage): void {
    if (m.t === 'reply') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.ok) p.resolve(m.value);
      else p.reject(rebuildError(m.error));
    } else if (m.t === 'call') {
      void this.answer(m);
    } else if (m.t === 'note') {
      this.notes[m.op]?.(m.arg as never);
    }
  }

  private async answer(m: Extract<WireMessage, { t: 'call' }>): Promise<void> {
    const handler = this.calls[m.op];
    try {
      if (!handler) throw new Error(`no handler for ${m.op}`);
      const value = await handler(m.arg as never);
      this.reply({ t: 'reply', id: m.id, ok: true, value });
    } catch (err) {
      const code = err instanceof TikprobeError ? err.code : undefined;
      this.reply({ t: 'reply', id: m.id, ok: false, error: { code, message: err instanceof Error ? err.message : String(err) } });
    }
  }

  private reply(m: WireMessage): void {
    if (this.closedWith) return;
    try {
      this.port.postMessage(m);
    } catch {
      // The port closed while the handler ran: nobody waits for the answer.
    }
  }
}

function rebuildError(e: { code: string | undefined; message: string }): Error {
  return e.code === undefined ? new Error(e.message) : new TikprobeError(e.code as ErrorCode, e.message);
}
