/**
 * Building blocks of the configuration schema (src/config/schema.ts): durations and the router
 * settings sections. Pure: no I/O.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { formatDuration, parseConfigDuration } from './duration.js';

export const durationInput = z.union([z.number().nonnegative(), z.string()]);

/** A duration in milliseconds, written as "500ms", "5s", "10m", "1h" or a number of seconds. */
export function duration(min: number, max: number) {
  return durationInput
    .transform((v, ctx) => {
      const ms = parseConfigDuration(v);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (use e.g. "500ms", "5s", "10m", "1h")` });
        return z.NEVER;
      }
      if (ms < min || ms > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${formatDuration(ms)} is out of range (${formatDuration(min)}–${formatDuration(max)})`,
        });
        return z.NEVER;
      }
      return ms;
    })
    // `x-duration` survives a later .describe(), so the range reaches the JSON Schema and the docs.
    .meta({
      description: `duration, ${formatDuration(min)}–${formatDuration(max)}`,
      'x-duration': { min: formatDuration(min), max: formatDuration(max) },
    });
}

export const S = 1000;
export const M = 60 * S;
export const H = 60 * M;

export const DEFAULT_TIMEOUT = 4 * S;

export const ROUTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const FINGERPRINT = /^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/;

export const tlsSchema = z
  .strictObject({
    verify: z.boolean().default(true).describe('verify the router certificate (false: accept any, warned at start)'),
    ca: z.string().min(1).optional().describe('PEM file of a CA or self-signed certificate to trust'),
    fingerprint: z
      .string()
      .regex(FINGERPRINT, 'must be a SHA-256 fingerprint: 64 hex digits, colons optional')
      .optional()
      .describe('SHA-256 of the router certificate; pins it and skips the hostname check'),
  })
  .describe('TLS to the router (https:// URLs)');

export const intervalsSchema = z.strictObject({
  report: duration(1 * S, 30 * S)
    .prefault('5s')
    .describe('POST /api/clients/report cadence; Komari 1.2.1 and older show a node offline 11 s after a report: keep it below 11s there'),
  basicInfo: duration(1 * M, 24 * H).prefault('10m').describe('POST /api/clients/uploadBasicInfo cadence'),
  connections: duration(5 * S, 10 * M)
    .prefault('30s')
    .describe('TCP/UDP connection count refresh; the router walks its table for each count'),
  pingTasks: duration(10 * S, 10 * M).prefault('60s').describe('GET /api/clients/ping/tasks cadence'),
});

export const trafficSchema = z.strictObject({
  interfaces: z
    .union([z.literal('auto'), z.array(z.string().min(1)).min(1)])
    .default('auto')
    .describe('auto = the interface(s) of the active default route(s), or a list of interface names'),
  resetDay: z
    .number()
    .int()
    .min(1)
    .max(28)
    .optional()
    .describe('1–28: totals restart at 00:00 local time on this day of the month; absent: never'),
  maxLinkMbps: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(100_000)
    .describe(
      'ceiling for one interface, Mbit/s, where its link speed is not known: a counter step above it times the elapsed time is not traffic (another device, a bad reading) and gets a new baseline instead of being added',
    ),
});

export const publicIpSchema = z
  .string()
  .refine((v) => v === 'auto' || v === 'none' || isIP(v) !== 0, 'must be auto, none or an IPv4/IPv6 address')
  .default('auto')
  .describe('auto: /ip/cloud, else the global address on the default-route interface; none; or a literal address');

export const pingSchema = z.strictObject({
  via: z.enum(['router', 'bridge']).default('router').describe('router: ICMP from the router (/rest/ping); bridge: from this host'),
  count: z.number().int().min(1).max(10).default(3).describe('probes per ICMP measurement'),
});

export const routerKomariSchema = z.strictObject({
  token: z.string().min(1).optional().describe("this node's Komari token"),
  tokenFile: z.string().min(1).optional().describe('file holding the token (trailing newline trimmed)'),
});

