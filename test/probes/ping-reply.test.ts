import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { summarisePingReply } from '../../src/probes/ping-reply.js';
import { pingRecords } from './support/fake-router.js';

const SAMPLES = new URL('../fixtures/routeros/', import.meta.url);
const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));

describe('summarisePingReply', () => {
  it('takes sent, received and avg-rtt from the last record of a real reply', () => {
    expect(summarisePingReply(sample('ping_count4__mikrotik-docs.json'))).toEqual({ sent: 4, received: 4, avgRttMs: 0.461 });
  });

  it('reads multi-unit RTTs such as 1ms234us', () => {
    const reply = pingRecords('192.0.2.1', [1000, 1468, 1234]);
    expect(reply.at(-1)?.['avg-rtt']).toBe('1ms234us');
    expect(summarisePingReply(reply)).toEqual({ sent: 3, received: 3, avgRttMs: 1.234 });
  });

  it('reports no RTT when every echo was lost', () => {
    const reply = pingRecords('192.0.2.1', [null, null, null]);
    expect(reply.at(-1)).not.toHaveProperty('avg-rtt');
    expect(summarisePingReply(reply)).toEqual({ sent: 3, received: 0, avgRttMs: undefined });
  });

  it('averages the replies received when some were lost', () => {
    const reply = pingRecords('192.0.2.1', [12_000, null, 14_000]);
    expect(summarisePingReply(reply)).toEqual({ sent: 3, received: 2, avgRttMs: 13 });
  });

  it('accepts a lone object (RouterOS sends one for a single record)', () => {
    expect(summarisePingReply(pingRecords('h', [2000])[0])).toEqual({ sent: 1, received: 1, avgRttMs: 2 });
  });

  it('falls back to per-record times and counts when the summary lacks them', () => {
    const reply = [
      { seq: '0', host: 'h', time: '10ms' },
      { seq: '1', host: 'h', status: 'timeout' },
      { seq: '2', host: 'h', time: '20ms' },
    ];
    expect(summarisePingReply(reply)).toEqual({ sent: 3, received: 2, avgRttMs: 15 });
  });

  it.each([
    ['an empty array', []],
    ['a string', 'pong'],
    ['null', null],
    ['a non-object record', ['x']],
    ['a numeric field as a JSON number', [{ sent: 1, received: 1, 'avg-rtt': '1ms' }]],
    ['an unreadable avg-rtt', [{ sent: '1', received: '1', 'avg-rtt': 'fast' }]],
    ['more received than sent', [{ sent: '1', received: '2', 'avg-rtt': '1ms' }]],
  ])('rejects %s as ROUTER_MALFORMED', (_what, reply) => {
    expect(() => summarisePingReply(reply)).toThrow(RouterError);
    try {
      summarisePingReply(reply);
    } catch (err) {
      expect((err as RouterError).code).toBe('ROUTER_MALFORMED');
    }
  });
});
