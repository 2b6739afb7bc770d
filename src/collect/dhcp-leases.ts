/**
 * DHCP server leases, counted and never listed: two `count-only` prints (bound, waiting), so
 * 2 000 leases cost two short replies. Per-server counts would cost two requests per server
 * and are left out on purpose.
 */
import type { DhcpLeaseCounts } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { countOf } from './ros-values.js';

export type { DhcpLeaseCounts };

export function parseLeaseCounts(boundReply: unknown, waitingReply: unknown): DhcpLeaseCounts | undefined {
  const bound = countOf(boundReply);
  const waiting = countOf(waitingReply);
  return bound === undefined || waiting === undefined ? undefined : { bound, waiting };
}

/** Counts leases from a listed reply (the simulator and tests): same rule as the router's query. */
export function countLeasesByStatus(reply: unknown, status: string): number {
  if (!Array.isArray(reply)) return 0;
  return reply.filter((r) => r !== null && typeof r === 'object' && (r as Record<string, unknown>).status === status).length;
}

export async function collectDhcpLeases(rest: RouterRest, signal: AbortSignal): Promise<DhcpLeaseCounts> {
  const count = (status: string) =>
    rest.post('ip/dhcp-server/lease/print', { 'count-only': '', '.query': [`status=${status}`] }, { signal });
  const bound = await count('bound');
  const waiting = await count('waiting');
  const parsed = parseLeaseCounts(bound, waiting);
  if (parsed === undefined) throw new Error('/ip/dhcp-server/lease count-only reply has no "ret" count');
  return parsed;
}
