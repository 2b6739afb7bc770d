/**
 * The shape of one router's state, in memory and on disk, checked on every load and before
 * every save, so a state that would not load again is never written.
 *
 * On disk, totals are decimal strings (exact at any size). State files written before totals
 * were exact hold them as JSON numbers: those load too, when they are safe integers. A total
 * at or above 2^63 (Komari's int64) cannot be sent and is refused, so a state file can never
 * hold a total that poisons every later report.
 */
import { z } from 'zod';
import { MAX_TOTAL } from '../accounting/total.js';
import type { TrafficState } from '../accounting/traffic.js';

/** The version of one router's entry (and of the per-router files of earlier releases). */
export const STATE_VERSION = 1;

export interface RouterState {
  version: 1;
  traffic?: TrafficState;
  /** A registration obtained with the auto-discovery key; the token is a secret. */
  komari?: { uuid: string; token: string };
  /** The router's boot time (Unix s) last told to Nezha: kept so a restart of tikprobe is not read as a reboot. */
  nezhaBootTimeS?: number;
  /** The router's Nezha node UUID, fixed at its first report (see integrations/nezha/node-identity.ts). */
  nezhaUuid?: string;
}

const U64 = 2n ** 64n;
const DIGITS = /^\d{1,20}$/;

const counter = z
  .string()
  .regex(DIGITS, 'must be a decimal counter')
  .refine((s) => BigInt(s) < U64, 'must be below 2^64');

/** A total: a decimal string below 2^63, or (files of earlier releases) a safe integer. */
const total = z
  .union([z.string().regex(DIGITS, 'must be a decimal total'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_TOTAL, 'must be below 2^63');

// z.number() already refuses NaN and ±Infinity.
const quantity = z.number().nonnegative();

const counterEntrySchema = z.object({ id: z.string().max(64), rx: counter, tx: counter });

const EVENT_KINDS = ['baseline', 'reboot', 'device-changed', 'counter-reset', 'interface-recreated', 'interface-added', 'implausible', 'period-rollover'] as const;

const trafficSchema = z.object({
  interfaces: z.record(z.string().max(256), counterEntrySchema),
  totalUpBytes: total,
  totalDownBytes: total,
  lastAtMs: quantity,
  lastUptimeS: quantity,
  periodStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  deviceId: z.string().min(1).max(128).optional(),
  lastEvent: z.object({ kind: z.enum(EVENT_KINDS), atMs: quantity }).optional(),
});

export const routerStateSchema: z.ZodType<RouterState, unknown> = z.object({
  version: z.literal(STATE_VERSION),
  traffic: trafficSchema.optional(),
  komari: z.object({ uuid: z.string().min(1), token: z.string().min(1) }).optional(),
  nezhaBootTimeS: z.number().int().nonnegative().optional(),
  nezhaUuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lower-case UUID').optional(),
});

/** The state as it is written: bigints as decimal strings. */
export function encodeRouterState(state: RouterState): unknown {
  if (!state.traffic) return state;
  const t = state.traffic;
  return { ...state, traffic: { ...t, totalUpBytes: t.totalUpBytes.toString(), totalDownBytes: t.totalDownBytes.toString() } };
}

/** The `version` of a parsed file when it is newer than `known`. */
export function newerVersion(raw: unknown, known: number): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const version = (raw as { version?: unknown }).version;
  return typeof version === 'number' && Number.isFinite(version) && version > known ? version : undefined;
}

/**
 * Where a state failed validation, as paths only (`traffic.totalUpBytes`). Values are left
 * out on purpose: the file holds a Komari token.
 */
export function issuePaths(error: z.ZodError): string {
  const paths = error.issues.map((i) => (i.path.length > 0 ? i.path.map(String).join('.') : '(root)'));
  return [...new Set(paths)].slice(0, 5).join(', ');
}
