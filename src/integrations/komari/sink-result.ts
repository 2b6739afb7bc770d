/** The outcome of a Komari sink's last attempt, and what a failed Komari call carried. */
import { KomariError } from '../../errors.js';

export interface KomariSinkResult {
  ok: boolean;
  /** Epoch ms of the outcome. */
  at: number;
  status?: number;
  error?: string;
}

/** The HTTP status and reply body of a failed Komari call, when it got that far. */
export function replyOf(err: unknown): { status: number | undefined; body: string | undefined } {
  return err instanceof KomariError ? { status: err.status, body: err.body } : { status: undefined, body: undefined };
}
