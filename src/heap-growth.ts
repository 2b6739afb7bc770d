/**
 * How far V8 lets the old generation grow past what survived the last full collection before
 * it collects again. By default V8 picks a factor of up to 4 when it judges collection slow,
 * and its first limit is far above a small fleet's live heap: at 1 000 routers the heap
 * filled with garbage at ~2 MB/s until 100–150 MB committed for ~48 MB live (peak RSS
 * 210–316 MB). `--heap-growing-percent=N` fixes the factor at 1 + N/100. Measured
 * (bench/README.md, "Heap growth"): at 5 000 routers over HTTPS peak RSS 1 100–1 200 MB by
 * default, 640–650 MB at 60 % at the same CPU (20 % thrashes); at 1 000 routers 174–180 MB at
 * 30 %, 184–189 MB at 60 %, with no CPU cost beyond the machine's noise. Larger fleets promote
 * more garbage per second (more requests outlive the young generation), so a small headroom
 * costs them full collections: at 1 500 routers 30 % took 29.7 % of a core against 24.1 % at
 * 60 % (−15 MB), at 1 900 routers 37.9 % against 27.0 % (−17 MB). Hence 30 % up to 1 000
 * routers, 60 % from 2 000, and a straight line between.
 */
import { setUnlessGiven } from './v8-flag.js';

/** The growth of a fleet of LARGE_FLEET routers or more at start. */
export const HEAP_GROWING_PERCENT = 60;
/** The growth of a fleet of SMALL_FLEET routers or fewer. */
export const SMALL_FLEET_GROWING_PERCENT = 30;
export const SMALL_FLEET = 1000;
export const LARGE_FLEET = 2000;

export function heapGrowingPercent(routers: number): number {
  if (routers <= SMALL_FLEET) return SMALL_FLEET_GROWING_PERCENT;
  if (routers >= LARGE_FLEET) return HEAP_GROWING_PERCENT;
  const share = (routers - SMALL_FLEET) / (LARGE_FLEET - SMALL_FLEET);
  return Math.round(SMALL_FLEET_GROWING_PERCENT + share * (HEAP_GROWING_PERCENT - SMALL_FLEET_GROWING_PERCENT));
}

/** Sets the growth for the fleet's size unless the command line already chose one; the percent set here, or undefined. */
export function limitHeapGrowth(routers: number, execArgv: readonly string[], set?: (flags: string) => void): number | undefined {
  const percent = heapGrowingPercent(routers);
  return setUnlessGiven(execArgv, /^--heap[-_]growing[-_]percent/, `--heap-growing-percent=${percent}`, set) ? percent : undefined;
}
