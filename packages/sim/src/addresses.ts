/**
 * Where simulated router number `index` lives. Pure.
 *
 * Routers take 127.0.1.1 … 127.0.1.254, then 127.0.2.1 …: every 127/8 address reaches the
 * loopback interface on Linux without setup, and skipping .0 and .255 keeps the addresses
 * looking like hosts. 127.0.0.1 stays free for the stats and Komari receiver servers.
 */

const HOSTS_PER_BLOCK = 254;
/** 127.0.1.0/24 … 127.255.255.0/24: the blocks a fleet may use. */
export const MAX_ROUTERS = HOSTS_PER_BLOCK * (256 * 256 - 1 - 256);

/** The loopback address of router `index` (0-based). */
export function routerAddress(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_ROUTERS) throw new RangeError(`router index ${index} is out of range`);
  const block = 1 + Math.floor(index / HOSTS_PER_BLOCK);
  const host = 1 + (index % HOSTS_PER_BLOCK);
  return `127.${Math.floor(block / 256)}.${block % 256}.${host}`;
}

/** The router's name in the generated config and its identity: sim-0001, sim-0002, … */
export function routerName(index: number, fleetSize: number): string {
  const width = Math.max(4, String(fleetSize).length);
  return `sim-${String(index + 1).padStart(width, '0')}`;
}
