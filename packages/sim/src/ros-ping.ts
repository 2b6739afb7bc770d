/**
 * The reply of `POST /rest/ping` as RouterOS writes it, shared by the simulator and the test
 * fakes. Pure. One record per echo with cumulative statistics, the last one the summary (sample
 * ping_count4__mikrotik-docs.json); keys in alphabetical order, every value a string.
 */
import { rosRtt, sortedRecord } from './ros-format.js';
import type { RosRecord } from './ros-query.js';

/** Round-trip times in microseconds per echo; null: the echo was lost. */
export type Echoes = readonly (number | null)[];

export interface PingReplyOptions {
  /** The `size` argument (default 56). */
  size?: number;
  /** TTL of the replies (default 64). */
  ttl?: number;
}

/**
 * The records for these echoes. `avg-rtt` is truncated to whole microseconds, as in the sample
 * (453 and 382 → `417us`); `packet-loss` is an integer percent, truncated. A lost echo's
 * record has `status: timeout` and no `time` or `ttl`; `*-rtt` appear once an echo came back.
 */
export function pingRecords(host: string, echoes: Echoes, options: PingReplyOptions = {}): RosRecord[] {
  const size = options.size ?? 56;
  const ttl = options.ttl ?? 64;
  let received = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  return echoes.map((rtt, seq) => {
    if (rtt !== null) {
      received += 1;
      sum += rtt;
      min = Math.min(min, rtt);
      max = Math.max(max, rtt);
    }
    const sent = seq + 1;
    const stats = received > 0 ? { 'avg-rtt': rosRtt(Math.floor(sum / received)), 'max-rtt': rosRtt(max), 'min-rtt': rosRtt(min) } : {};
    return sortedRecord({
      ...stats,
      host,
      'packet-loss': Math.floor((100 * (sent - received)) / sent),
      received,
      sent,
      seq,
      size,
      status: rtt === null ? 'timeout' : undefined,
      time: rtt === null ? undefined : rosRtt(rtt),
      ttl: rtt === null ? undefined : ttl,
    });
  });
}
