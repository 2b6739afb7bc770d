/**
 * How far V8 lets the old generation grow past what survived the last full collection before
 * it collects again. By default V8 picks a factor of up to 4 when it judges collection slow;
 * a large fleet's start-up burst (every router's first poll within one interval) then grows
 * the heap for good. Measured at 5 000 routers over HTTPS (bench/README.md, "Heap growth"):
 * peak RSS 1 100–1 200 MB by default, 640–650 MB at 60 % at the same CPU (20 % thrashes);
 * at 1 000 routers the gain is ~10 MB for ~2 points of a core more, so only a fleet of
 * LARGE_FLEET routers or more at start gets it.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 60;
export const LARGE_FLEET = 2000;

/** Sets the growth for a large fleet unless the command line already chose one; true when it was set here. */
export function limitHeapGrowth(routers: number, execArgv: readonly string[], set: (flags: string) => void = setFlagsFromString): boolean {
  if (routers < LARGE_FLEET) return false;
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return false;
  set(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
