/**
 * The shape of one router's state file, checked on every load and before every save, so
 * a file that would not load again is never written.
 */
import { z } from 'zod';
import type { TrafficState } from '../accounting/traffic.js';

/** The state file format this build reads and writes. */
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

const digits = z.string().regex(/^\d+$/, 'must be a decimal counter');
// z.number() already refuses NaN and ±Infinity.
const quantity = z.number().nonnegative();

const counterEntrySchema = z.object({ id: z.string(), rx: digits, tx: digits });

const trafficSchema = z.object({
  interfaces: z.record(z.string(), counterEntrySchema),
  totalUpBytes: quantity,
  totalDownBytes: quantity,
  lastAtMs: quantity,
  lastUptimeS: quantity,
  periodStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
});

export const routerStateSchema: z.ZodType<RouterState> = z.object({
  version: z.literal(STATE_VERSION),
  traffic: trafficSchema.optional(),
  komari: z.object({ uuid: z.string().min(1), token: z.string().min(1) }).optional(),
  nezhaBootTimeS: z.number().int().nonnegative().optional(),
  nezhaUuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lower-case UUID').optional(),
});

/** The `version` of a parsed file when it is newer than this build understands. */
export function newerVersion(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const version = (raw as { version?: unknown }).version;
  return typeof version === 'number' && Number.isFinite(version) && version > STATE_VERSION ? version : undefined;
}

/**
 * Where a state failed validation, as paths only (`traffic.totalUpBytes`). Values are left
 * out on purpose: the file holds a Komari token.
 */
export function issuePaths(error: z.ZodError): string {
  const paths = error.issues.map((i) => (i.path.length > 0 ? i.path.map(String).join('.') : '(root)'));
  return [...new Set(paths)].slice(0, 5).join(', ');
}
