import { describe, expect, it } from 'vitest';
import { routerAddress, routerName } from '@tikprobe/sim/addresses.js';
import { ConnTable } from '@tikprobe/sim/conntrack.js';
import { seededRng } from '@tikprobe/sim/prng.js';
import { RestApi } from '@tikprobe/sim/rest-api.js';
import { COMMAND_LIMIT_MS } from '@tikprobe/sim/ros-reply.js';
import { parseRosDurationMs, rosDuration, rosRtt } from '@tikprobe/sim/ros-format.js';
import { compileQuery, filterTest, parseProplist, pickProps, singleEquality } from '@tikprobe/sim/ros-query.js';
import { SimRouter } from '@tikprobe/sim/sim-router.js';
import { ByteCounter, SmoothWalk } from '@tikprobe/sim/smooth-walk.js';

describe('router addresses', () => {
  it('fills 127.0.1.1–254, then moves to the next /24', () => {
    expect(routerAddress(0)).toBe('127.0.1.1');
    expect(routerAddress(253)).toBe('127.0.1.254');
    expect(routerAddress(254)).toBe('127.0.2.1');
    expect(routerAddress(4999)).toBe('127.0.20.174');
    expect(() => routerAddress(-1)).toThrow(RangeError);
  });
  it('names routers with zero-padded numbers wide enough for the fleet', () => {
    expect(routerName(0, 3)).toBe('sim-0001');
    expect(routerName(12_344, 20_000)).toBe('sim-12345');
  });
});

describe('RouterOS formats', () => {
  it('writes durations largest unit first, zero parts omitted', () => {
    expect(rosDuration(0)).toBe('0s');
    expect(rosDuration(4 * 3600 + 12 * 60 + 40)).toBe('4h12m40s');
    expect(rosDuration(604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5)).toBe('1w2d3h4m5s');
    expect(rosDuration(86_400)).toBe('1d');
  });
  it('writes RTTs in ms and us', () => {
    expect(rosRtt(453)).toBe('453us');
    expect(rosRtt(1234)).toBe('1ms234us');
    expect(rosRtt(56_000)).toBe('56ms');
    expect(rosRtt(1_012_000)).toBe('1s12ms');
  });
  it('reads interval arguments', () => {
    expect(parseRosDurationMs('200ms')).toBe(200);
    expect(parseRosDurationMs('1s')).toBe(1000);
    expect(parseRosDurationMs('2')).toBe(2000);
    expect(parseRosDurationMs('fast')).toBeUndefined();
    expect(parseRosDurationMs('')).toBeUndefined();
  });
});

describe('record selection', () => {
  const rec = { '.id': '*1', name: 'ether1', type: 'ether', running: 'true', mtu: '1500' };
  it('keeps only .proplist properties', () => {
    expect(parseProplist('name, type,,')).toEqual(['name', 'type']);
    expect(pickProps(rec, ['type', 'name', 'nope'])).toEqual({ name: 'ether1', type: 'ether' });
    expect(pickProps(rec, undefined)).toBe(rec);
  });
  it('matches filters exactly, treating yes/true and no/false alike', () => {
    expect(filterTest({ type: 'ether', running: 'yes' })(rec)).toBe(true);
    expect(filterTest({ type: 'ethe' })(rec)).toBe(false);
    expect(filterTest({ missing: 'x' })(rec)).toBe(false);
  });
  it('evaluates .query words as a stack, AND-combining what is left', () => {
    expect(compileQuery(['type=ether', 'type=vlan', '#|!'])(rec)).toBe(false);
    expect(compileQuery(['type=vlan', 'type=bridge', '#|!'])(rec)).toBe(true);
    expect(compileQuery(['>mtu=1400', '<mtu=1600'])(rec)).toBe(true);
    expect(compileQuery(['-comment', 'name'])(rec)).toBe(true);
    expect(compileQuery(['type=ether', 'name=ether2'])(rec)).toBe(false);
    expect(() => compileQuery(['#|'])(rec)).toThrow();
  });
  it('recognises a single equality for fast counting', () => {
    expect(singleEquality(['protocol=tcp'])).toEqual({ name: 'protocol', value: 'tcp' });
    expect(singleEquality(undefined)).toBe('all');
    expect(singleEquality(['protocol=tcp', 'protocol=udp', '#|'])).toBeUndefined();
  });
});

describe('smooth walk and byte counter', () => {
  it('stays within its bounds', () => {
    const walk = new SmoothWalk({ min: 1e6, max: 2e8, mean: 3e7, pull: 0.01, push: 0.1, log: true }, seededRng(7), 0);
    for (let s = 1; s <= 20_000; s += 7) {
      const v = walk.advanceTo(s * 1000);
      expect(v).toBeGreaterThanOrEqual(1e6 * 0.999);
      expect(v).toBeLessThanOrEqual(2e8 * 1.001);
    }
  });
  it('actually varies over a few minutes', () => {
    const walk = new SmoothWalk({ min: 1e6, max: 2e8, mean: 3e7, pull: 0.01, push: 0.1, log: true }, seededRng(3), 0);
    const seen = new Set<number>();
    for (let s = 0; s < 300; s += 10) seen.add(Math.round(walk.advanceTo(s * 1000) / 1e5));
    expect(seen.size).toBeGreaterThan(10);
  });
  it('counts bytes monotonically, including within a second and after a long pause', () => {
    const walk = new SmoothWalk({ min: 1e6, max: 2e8, mean: 3e7, pull: 0.01, push: 0.1, log: true }, seededRng(11), 0);
    const counter = new ByteCounter(walk, 1000);
    let last = counter.read(0);
    for (const t of [1, 250, 999, 1000, 1001, 5000, 5300, 60_000, 10 * 3600_000]) {
      const v = counter.read(t);
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
    // Ten hours at 1–200 Mbit/s.
    expect(last).toBeGreaterThan((36_000 * 1e6) / 8);
    expect(last).toBeLessThan((36_000 * 2e8) / 8 + 1000);
  });
});

describe('connection table', () => {
  const table = new ConnTable('ip', 1234, 99, '203.0.113.9');
  it('counts per protocol without walking, matching a walk', () => {
    for (const p of ['tcp', 'udp', 'icmp', 'gre']) {
      expect(table.countProtocol(p), p).toBe(table.countWalking((r) => r.protocol === p));
    }
    expect(table.countProtocol('tcp') + table.countProtocol('udp') + table.countProtocol('icmp')).toBe(1234);
  });
  it('builds the same entry for the same index, and finds it by .id', () => {
    const e = table.entry(77);
    expect(table.entry(77)).toEqual(e);
    expect(table.indexOfId(e['.id'] as string)).toBe(77);
    expect(table.indexOfId('*1')).toBeUndefined();
  });
  it('streams a JSON array in chunks that parse to the whole table', () => {
    const chunks = [...table.jsonChunks(() => true, undefined)];
    expect(chunks.length).toBeGreaterThan(2);
    const rows = JSON.parse(chunks.join('')) as unknown[];
    expect(rows).toHaveLength(1234);
    const none = [...new ConnTable('ip', 0, 1, '203.0.113.9').jsonChunks(() => true, undefined)].join('');
    expect(none).toBe('[]');
  });
});

describe('REST commands that block', () => {
  const api = new RestApi(new SimRouter({ index: 0, name: 'sim-0001', address: '127.0.1.1', conntrack: 0, startMs: 0 }));
  const monitor = (body: Record<string, unknown>) => api.handle({ method: 'POST', path: 'interface/monitor-traffic', query: new URLSearchParams(), body }, 1000);
  it('runs monitor-traffic until the 60 s limit unless once is given, and "once":"false" is not once', () => {
    expect(monitor({ interface: 'ether1', once: '' }).kind).toBe('json');
    for (const body of [{ interface: 'ether1' }, { interface: 'ether1', once: 'false' }]) {
      const reply = monitor(body);
      expect(reply.kind === 'later' && reply.afterMs, JSON.stringify(body)).toBe(COMMAND_LIMIT_MS);
      expect(reply.kind === 'later' && reply.reply()).toEqual({ kind: 'json', status: 400, body: '{"detail":"Session closed","error":400,"message":"Bad Request"}' });
    }
  });
});
