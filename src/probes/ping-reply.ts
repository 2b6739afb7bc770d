/**
 * Reads a RouterOS `/ping` reply: one record per probe with cumulative statistics, the last
 * one being the summary. Failure records carry `status` (`timeout`, `host unreachable`, …)
 * and may lack `time`, `ttl` and the `*-rtt` fields. Pure.
 */
import { RouterError } from '../errors.js';
import { parseRttMs } from './rtt.js';

export interface RouterPingSummary {
  sent: number;
  received: number;
  /** Mean RTT of the replies received; undefined when none came back. */
  avgRttMs: number | undefined;
}

type PingRecord = Record<string, unknown>;

function malformed(what: string): RouterError {
  return new RouterError('ROUTER_MALFORMED', `/ping reply ${what}`);
}

function count(record: PingRecord, key: string): number | undefined {
  const v = record[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw malformed(`has a non-numeric "${key}"`);
  return Number(v);
}

function rtt(value: unknown, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw malformed(`has a non-string "${key}"`);
  try {
    return parseRttMs(value);
  } catch {
    throw malformed(`has an unreadable "${key}"`);
  }
}

/** A probe record that came back: it has a `time` and no failure `status`. */
function isReply(record: PingRecord): boolean {
  return record.time !== undefined && record.status === undefined;
}

export function summarisePingReply(reply: unknown): RouterPingSummary {
  // RouterOS answers a command with an object when there is a single record; normalise.
  const records = Array.isArray(reply) ? reply : reply !== null && typeof reply === 'object' ? [reply] : undefined;
  if (!records) throw malformed('is not a JSON array or object');
  if (records.length === 0) throw malformed('is empty');
  if (!records.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) throw malformed('holds a non-object record');
  const all = records as PingRecord[];
  const last = all[all.length - 1] as PingRecord;

  // The cumulative counters of the summary are the truth; per-record counting is the
  // fallback for a summary that lacks them.
  const sent = count(last, 'sent') ?? all.length;
  const replies = all.filter(isReply);
  const received = count(last, 'received') ?? replies.length;
  if (received > sent) throw malformed('says more received than sent');
  if (received === 0) return { sent, received, avgRttMs: undefined };

  const avg = rtt(last['avg-rtt'], 'avg-rtt');
  if (avg !== undefined) return { sent, received, avgRttMs: avg };
  const times = replies.map((r) => rtt(r.time, 'time') as number);
  if (times.length === 0) throw malformed('reports replies but no round-trip time');
  return { sent, received, avgRttMs: times.reduce((a, b) => a + b, 0) / times.length };
}
