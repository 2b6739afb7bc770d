/**
 * DHCP server leases, counted and never listed: `count-only` prints, so 2 000 leases cost short
 * replies. Counts are kept router-wide and per server, bound vs waiting.
 *
 * Every run sends at most two requests (one "step"), whatever the number of leases or
 * servers: the small `/ip/dhcp-server` table is listed on the first run and again every
 * SERVER_LIST_MS (one GET, names only); the other runs count, in rotation, the router-wide
 * totals, then each server (at most `serverLimit` of them). A router with one server needs no
 * rotation: its totals are that server's counts. With n >= 2 servers each value is refreshed
 * every (n + 1) runs. Leases configured for every server (`server=all`) are in the totals only.
 */
import type { DhcpLeaseCounts, DhcpServerLeases } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { countOf, flag, recordsOf, text } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { DhcpLeaseCounts, DhcpServerLeases };

/** The server list is read again after this long (servers are added rarely). */
export const SERVER_LIST_MS = 3_600_000;
/** Rows read at most from the server list (an outside-controlled size). */
export const MAX_SERVER_ROWS = 1024;
export const SERVER_PROPLIST = ['name', 'disabled'] as const;
const MAX_SERVER_NAME = 64;

/** What runs carry between each other: the server list and where the rotation stands. */
export interface DhcpMemory {
  /** Enabled servers counted per server (the first `serverLimit`, RouterOS order). */
  servers: string[];
  /** Enabled servers beyond the limit: in the totals only. */
  notCounted: number;
  listedAt: number;
  /** Position in [totals, ...servers]. */
  next: number;
}

export type DhcpStep = { kind: 'list' } | { kind: 'totals' } | { kind: 'server'; server: string };

/** Enabled server names of a `/ip/dhcp-server` reply, the first `limit` of them, and how many more. */
export function parseServerList(reply: unknown, limit: number): { servers: string[]; notCounted: number } {
  const names: string[] = [];
  for (const rec of recordsOf(reply, MAX_SERVER_ROWS)) {
    const name = text(rec, 'name', MAX_SERVER_NAME);
    if (name === undefined || flag(rec, 'disabled') === true || names.includes(name)) continue;
    names.push(name);
  }
  return { servers: names.slice(0, limit), notCounted: Math.max(0, names.length - limit) };
}

/** Two count-only replies (bound, waiting) as counts; undefined when either is not a count. */
export function parseLeaseCounts(boundReply: unknown, waitingReply: unknown): { bound: number; waiting: number } | undefined {
  const bound = countOf(boundReply);
  const waiting = countOf(waitingReply);
  return bound === undefined || waiting === undefined ? undefined : { bound, waiting };
}

/** The step of this run (pure): the list when never read or stale, else the next in rotation. */
export function nextStep(memory: DhcpMemory | undefined, now: number): DhcpStep {
  if (memory === undefined || now - memory.listedAt >= SERVER_LIST_MS) return { kind: 'list' };
  if (memory.servers.length <= 1) return { kind: 'totals' };
  const at = memory.next % (memory.servers.length + 1);
  return at === 0 ? { kind: 'totals' } : { kind: 'server', server: memory.servers[at - 1] as string };
}

/**
 * Folds one step's result into the reading (pure). A new server list drops the counts of servers
 * no longer listed; with a single server its counts are the totals.
 */
export function applyStep(
  previous: DhcpLeaseCounts | undefined,
  memory: DhcpMemory,
  step: DhcpStep,
  counts: { bound: number; waiting: number } | undefined,
  now: number,
): DhcpLeaseCounts | undefined {
  const servers = (previous?.servers ?? []).filter((s) => memory.servers.includes(s.server));
  const base = { bound: previous?.bound ?? 0, waiting: previous?.waiting ?? 0, serversNotCounted: memory.notCounted };
  if (step.kind === 'list') return previous === undefined ? undefined : { ...base, ...totalsOf(previous), servers };
  if (counts === undefined) return previous;
  if (step.kind === 'totals') {
    const only = memory.servers.length === 1 ? [{ server: memory.servers[0] as string, ...counts, countedAt: now }] : servers;
    return { ...base, ...counts, servers: only, totalsCountedAt: now };
  }
  const rest = servers.filter((s) => s.server !== step.server);
  const mine = { server: step.server, ...counts, countedAt: now };
  const ordered = [...rest, mine].sort((a, b) => memory.servers.indexOf(a.server) - memory.servers.indexOf(b.server));
  return { ...base, ...(previous ? totalsOf(previous) : {}), servers: ordered };
}

function totalsOf(d: DhcpLeaseCounts): Pick<DhcpLeaseCounts, 'bound' | 'waiting' | 'totalsCountedAt'> {
  return { bound: d.bound, waiting: d.waiting, ...(d.totalsCountedAt === undefined ? {} : { totalsCountedAt: d.totalsCountedAt }) };
}

/** Counts leases from a listed reply (the simulator and tests): same rule as the router's query. */
export function countLeasesByStatus(reply: unknown, status: string, server?: string): number {
  if (!Array.isArray(reply)) return 0;
  return reply.filter((r) => {
    if (r === null || typeof r !== 'object') return false;
    const rec = r as Record<string, unknown>;
    return rec.status === status && (server === undefined || rec.server === server);
  }).length;
}

async function countStatuses(rest: RouterRest, where: string[], signal: CancelSignal): Promise<{ bound: number; waiting: number }> {
  const count = (status: string) =>
    rest.post('ip/dhcp-server/lease/print', { 'count-only': '', '.query': [...where, `status=${status}`] }, { signal });
  const bound = await count('bound');
  const waiting = await count('waiting');
  const parsed = parseLeaseCounts(bound, waiting);
  if (parsed === undefined) throw new Error('/ip/dhcp-server/lease count-only reply has no "ret" count');
  return parsed;
}

export interface DhcpRun {
  reading: DhcpLeaseCounts | undefined;
  memory: DhcpMemory;
}

/** One run: one step, at most two requests. Throws what the router answered. */
export async function collectDhcpLeases(
  rest: RouterRest,
  previous: { reading: DhcpLeaseCounts | undefined; memory: DhcpMemory | undefined },
  serverLimit: number,
  now: number,
  signal: CancelSignal,
): Promise<DhcpRun> {
  const step = nextStep(previous.memory, now);
  if (step.kind === 'list') {
    const reply = await rest.get('ip/dhcp-server', { signal, proplist: SERVER_PROPLIST });
    const memory: DhcpMemory = { ...parseServerList(reply, serverLimit), listedAt: now, next: 0 };
    return { reading: applyStep(previous.reading, memory, step, undefined, now), memory };
  }
  const memory = previous.memory as DhcpMemory;
  const where = step.kind === 'server' ? [`server=${step.server}`] : [];
  const counts = await countStatuses(rest, where, signal);
  return { reading: applyStep(previous.reading, memory, step, counts, now), memory: { ...memory, next: memory.next + 1 } };
}
