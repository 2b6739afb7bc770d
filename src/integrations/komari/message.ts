/**
 * The report's `message`: shown publicly on Komari's home page. The official agent puts its
 * collection errors there, one `failed to get …: <error>` line each (komari-monitor/
 * komari-agent `monitoring/monitoring.go`); tikprobe does the same for what it cannot
 * report truly, so a 0 or an approximate count is never silent, and one line for each
 * condition on the router that needs attention (attention.ts). Only fixed texts and
 * collector names go in: never an error text, an address, a name or a secret. Pure.
 */
import type { RouterSample } from '../../model.js';
import { attentionLines } from './attention.js';

/** Komari keeps the message as it is; a bound keeps a page's worth out of every report. */
export const MAX_MESSAGE_CHARS = 300;

const DEGRADED: Record<string, string> = {
  connections: 'failed to get connections: not readable from the router, last counts kept',
  info: 'failed to get basic info: not readable from the router, last values kept',
  interfaces: 'failed to get network: a traffic interface is missing on the router',
  health: 'failed to get temperatures: /system/health not readable, last readings kept',
};

function connectionLines(sample: RouterSample, degraded: readonly string[]): string[] {
  const c = sample.connections;
  if (c === undefined && !degraded.includes('connections')) return ['connections: unknown (not counted yet, or the router cannot count them), sent as 0'];
  if (c?.source === 'tracking-total') return ['connections: approximate, the whole connection-tracking table is sent as tcp (the router cannot count per protocol)'];
  return [];
}

/** The message for this sample: empty when everything is measured, else one line per condition. */
export function komariMessage(sample: RouterSample): string {
  const degraded = sample.degraded ?? [];
  const lines = [
    // First: what needs a person (attention.ts), so the length bound never cuts it.
    ...attentionLines(sample),
    ...degraded.map((key) => DEGRADED[key] ?? `failed to get ${key}: collector degraded`),
    ...connectionLines(sample, degraded),
    ...(sample.info.publicIpUnknown ? ['public address: unknown, the router reports no public address'] : []),
  ];
  const text = lines.map((l) => `${l}\n`).join('');
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}
