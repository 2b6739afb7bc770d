/**
 * The `workers:` key: how many threads of this process poll the fleet. Pure.
 */
import { z } from 'zod';

/** The most worker threads `workers:` accepts (and `auto` picks). */
export const MAX_WORKERS = 16;

/** What `workers:` accepts, for the messages. */
const ALLOWED = `a whole number 1–${MAX_WORKERS}, or "auto"`;

export const workersSchema = z
  .union([
    z
      .number()
      .int()
      .min(1, `must be at least 1 (${ALLOWED})`)
      .max(MAX_WORKERS, `must be at most ${MAX_WORKERS} (${ALLOWED})`),
    z.literal('auto', { error: `must be ${ALLOWED}` }),
  ])
  .default(1)
  .describe(
    `threads that poll the fleet, each a share of the routers (by a hash of the name); 1: one thread, as before; auto: one per CPU core (at most ${MAX_WORKERS}). Not in cluster mode`,
  );

/** A fleet-wide budget (connections, request slots) split over `workers` threads, each at least 1. */
export function budgetShare(total: number, workers: number): number {
  return Math.max(1, Math.floor(total / workers));
}
