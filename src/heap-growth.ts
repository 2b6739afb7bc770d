/**
 * How far V8 lets the old generation grow past what survived the last full collection before
 * it collects again. By default V8 picks a factor of up to 4 when it judges collection slow,
 * and its first limit is far above a small fleet's live heap: at 1 000 routers the heap
 * filled with garbage at ~2 MB/s until 100–150 MB committed for ~48 MB live (peak RSS
 * 210–316 MB). `--heap-growing-percent=N` fixes the factor at 1 + N/100. Measured
 * (bench/README.md, "Heap growth"): at 5 000 routers over HTTPS peak RSS 1 100–1 200 MB by
 * default, 640–650 MB at 60 % at the same CPU (20 % thrashes); at 1 000 routers 177–180 MB at
 * 30 %, 184–189 MB at 60 %, with no CPU cost beyond the machine's noise. A full collection's
 * cost grows with the live heap and their number with the rate the fleet promotes garbage, so
 * the larger fleet gets the larger headroom.
 */
import { setFlagsFromString } from 'node:v8';

/** The growth of a fleet of LARGE_FLEET routers or more at start. */
export const HEAP_GROWING_PERCENT = 60;
/** The growth of a smaller fleet. */
export const SMALL_FLEET_GROWING_PERCENT = 30;
export const LARGE_FLEET = 2000;

export function heapGrowingPercent(routers: number): number {
  return routers >= LARGE_FLEET ? HEAP_GROWING_PERCENT : SMALL_FLEET_GROWING_PERCENT;
}

/** Sets the growth for the fleet's size unless the command line already chose one; the percent set here, or undefined. */
export function limitHeapGrowth(routers: number, execArgv: readonly string[], set: (flags: string) => void = setFlagsFromString): number | undefined {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return undefined;
  const percent = heapGrowingPercent(routers);
  set(`--heap-growing-percent=${percent}`);
  return percent;
}
