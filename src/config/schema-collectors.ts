/**
 * The `collectors:` block: extended collectors, each on its own slower cadence, opt-in or
 * opt-out per router. On by default: health (it replaces the poll's own once-a-minute read,
 * so it costs nothing new) and updates (one small read every 6 h). The others are opt-in:
 * they serve /metrics and cost up to ~16 requests a minute together (docs/metrics.md,
 * "Request budget"). Pure.
 */
import { z } from 'zod';
import { duration, H, M, S } from './schema-parts.js';

function collector(every: string, min: number, max: number, what: string, enabled = true) {
  return z
    .strictObject({
      enabled: z.boolean().default(enabled).describe(`read ${what}`),
      every: duration(min, max).prefault(every).describe(`how often ${what} is read`),
    })
    .prefault({});
}

export const collectorsSchema = z
  .strictObject({
    health: collector('60s', 15 * S, 1 * H, '/system/health (MikroTik advises >= 60 s on some CCRs)'),
    interfaces: collector('15s', 5 * S, 10 * M, 'every interface counter (/interface)', false),
    ethernet: collector('60s', 15 * S, 1 * H, 'link rate and SFP optics (/interface/ethernet/monitor once)', false),
    ppp: collector('30s', 10 * S, 1 * H, 'the PPP active session count (count-only)', false),
    dhcp: collector('60s', 15 * S, 1 * H, 'DHCP lease counts, bound and waiting, in total and per server (count-only, one step of at most 2 requests per run)', false),
    wireless: collector('30s', 10 * S, 1 * H, 'wifi/wireless registration-table clients and signal', false),
    wireguard: collector('30s', 10 * S, 1 * H, 'WireGuard peers and their last handshake', false),
    updates: collector('6h', 1 * H, 7 * 24 * H, 'installed vs latest RouterOS version (passive: never checks or downloads)'),
    interfaceLimit: z.number().int().min(1).max(4096).default(64).describe('interfaces exported per router at most (label cardinality)'),
    dhcpServerLimit: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(8)
      .describe('DHCP servers counted one by one per router at most (label cardinality); leases of the others are in the totals only'),
    wirelessListLimit: z
      .number()
      .int()
      .min(0)
      .max(1024)
      .default(64)
      .describe('per-client signals are listed only while a router has at most this many clients; above it, counts only'),
  })
  .prefault({})
  .describe('extended collectors: health, every interface, PPP, DHCP, wireless, WireGuard, SFP, updates');

/** The `collectors:` block of one router, defaults applied. */
export type CollectorsConfig = z.output<typeof collectorsSchema>;
