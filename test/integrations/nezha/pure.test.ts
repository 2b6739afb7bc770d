import { describe, expect, it } from 'vitest';
import { AuthGate } from '../../../src/integrations/nezha/auth-gate.js';
import { describeGrpcError, isAuthFailure } from '../../../src/integrations/nezha/grpc-errors.js';
import { PingHistory, v0MonitorId } from '../../../src/integrations/nezha/history.js';
import { parseHealth, parseHealthReading } from '../../../src/collect/health.js';
import { BootTime, temperaturesOf, toNezhaGeoIp, toNezhaHost, toNezhaState } from '../../../src/integrations/nezha/payload.js';
import { planTask } from '../../../src/integrations/nezha/tasks.js';
import { isUuid, nodeUuid, TIKPROBE_NEZHA_NAMESPACE, uuidV5 } from '../../../src/integrations/nezha/uuid.js';
import { routerInfo, routerSample } from '../komari/samples.js';

describe('uuidV5', () => {
  it('matches the RFC 9562 test vector (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
  it('is stable per name, distinct between names, and well formed', () => {
    const a = nodeUuid('home-gw', undefined);
    expect(a).toBe(uuidV5('home-gw', TIKPROBE_NEZHA_NAMESPACE));
    expect(nodeUuid('home-gw', undefined)).toBe(a);
    expect(nodeUuid('home-gw2', undefined)).not.toBe(a);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('5');
    expect(nodeUuid('x', 'ABCDEF01-0000-4000-8000-000000000000')).toBe('abcdef01-0000-4000-8000-000000000000');
    expect(isUuid('not-a-uuid')).toBe(false);
  });
});

describe('payload mapping', () => {
  it('clamps negatives and never sends a non-integer where Nezha wants uint64', () => {
    const s = routerSample();
    const state = toNezhaState({ ...s, resource: { ...s.resource, freeMemoryBytes: s.resource.totalMemoryBytes + 5, cpuLoadPercent: 140 } }, []);
    expect(state.mem_used).toBe(0);
    expect(state.cpu).toBe(100);
    const tracking = toNezhaState({ ...s, connections: { tcp: 900, udp: 0, source: 'tracking-total' } }, []);
    expect([tracking.tcp_conn_count, tracking.udp_conn_count]).toEqual([900, 0]);
    expect(toNezhaState({ ...s, connections: undefined }, []).tcp_conn_count).toBe(0);
  });
  it('marks a CHR as virtualised and names the CPU without a frequency it does not know', () => {
    const s = routerSample({ info: routerInfo({ boardName: 'CHR', virtualization: 'CHR' }) });
    const host = toNezhaHost({ ...s, resource: { ...s.resource, boardName: 'CHR', cpuFrequencyMhz: undefined, cpu: 'Intel(R)' } }, 1, '1.2.3');
    expect(host.virtualization).toBe('CHR');
    expect(host.cpu).toEqual(['Intel(R) 4 cores (CHR)']);
    expect(host.version).toBe('tikprobe 1.2.3');
  });
  it('sends GeoIP only for a known public address, IPv6-only as use6', () => {
    expect(toNezhaGeoIp(routerInfo({ publicIpv4: undefined, publicIpv6: undefined }))).toBeUndefined();
    expect(toNezhaGeoIp(routerInfo({ publicIpv4: undefined, publicIpv6: '2001:db8::1' }))).toMatchObject({ use6: true, ip: { ipv4: '', ipv6: '2001:db8::1' } });
  });
  it('reads only °C entries of /system/health', () => {
    expect(
      temperaturesOf(
        parseHealth([
        { name: 'cpu-temperature', value: '51', type: 'C' },
        { name: 'board-temperature1', value: '38.5', type: 'C' },
        { name: 'fan1-speed', value: '4000', type: 'RPM' },
        { name: 'voltage', value: '24.1', type: 'V' },
        { name: 'broken', value: '', type: 'C' },
        ]) ?? [],
      ),
    ).toEqual([
      { name: 'cpu-temperature', temperature: 51 },
      { name: 'board-temperature1', temperature: 38.5 },
    ]);
    expect(parseHealth({ detail: 'x' })).toEqual([]);
    expect(parseHealth('garbage')).toBeUndefined();
  });
  it('takes the health collector\'s sensors (the sample\'s health) as temperatures, never its PSU/fan states', () => {
    // A CCR2004 reply as the extended health collector reads it: states are kept apart from sensors.
    const reading = parseHealthReading([
      { name: 'cpu-temperature', value: '58', type: 'C' },
      { name: 'sfp-temperature', value: '41', type: 'C' },
      { name: 'psu1-state', value: 'ok', type: '' },
      { name: 'fan-state', value: 'fail', type: '' },
      { name: 'power-consumption', value: '38.4', type: 'W' },
    ]);
    expect(reading?.states.map((s) => s.name)).toEqual(['psu1-state', 'fan-state']);
    const state = toNezhaState(routerSample({ health: reading?.sensors ?? [] }), temperaturesOf(reading?.sensors ?? []));
    expect(state.temperatures).toEqual([
      { name: 'cpu-temperature', temperature: 58 },
      { name: 'sfp-temperature', temperature: 41 },
    ]);
  });
});

describe('BootTime', () => {
  it('holds its first estimate while uptime grows, whatever the poll jitter', () => {
    const b = new BootTime();
    const first = b.update(1000, 2_000_000_000_000);
    for (let i = 1; i < 500; i++) expect(b.update(1000 + i * 5, 2_000_000_000_000 + i * 5000 + (i % 7) * 300)).toBe(first);
  });
  it('moves only when the uptime goes down (a reboot)', () => {
    const b = new BootTime();
    const first = b.update(1000, 2_000_000_000_000);
    expect(b.update(10, 2_000_000_100_000)).toBe(2_000_000_100 - 10);
    expect(b.value).toBeGreaterThan(first);
  });
  it('keeps a restored value within a minute of the estimate and replaces one far off', () => {
    expect(new BootTime(1_999_999_000).update(1000, 2_000_000_000_400)).toBe(1_999_999_000);
    expect(new BootTime(1_000_000_000).update(1000, 2_000_000_000_000)).toBe(1_999_999_000);
  });
});

describe('planTask', () => {
  it('measures the three monitor kinds, ignores keepalives and refuses everything else', () => {
    expect(planTask(2, '1.1.1.1', 'router', 3)).toEqual({ action: 'measure', probe: { kind: 'router-icmp', host: '1.1.1.1', count: 3 } });
    expect(planTask(2, 'one.one.one.one', 'bridge', 3)).toEqual({ action: 'measure', probe: { kind: 'bridge-icmp', host: 'one.one.one.one' } });
    expect(planTask(3, 'example.com:443', 'router', 3)).toEqual({ action: 'measure', probe: { kind: 'tcp', address: { host: 'example.com', port: 443 } } });
    expect(planTask(1, 'https://example.com', 'router', 3)).toEqual({ action: 'measure', probe: { kind: 'http', url: 'https://example.com/' } });
    expect(planTask(7, '', 'router', 3)).toEqual({ action: 'ignore' });
    for (const type of [4, 5, 6, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 99]) {
      const plan = planTask(type, 'x', 'router', 3);
      expect(plan.action).toBe('fail');
      expect(plan.action === 'fail' && plan.message).toMatch(/never executes/);
    }
    expect(planTask(3, 'host:99999', 'router', 3)).toMatchObject({ action: 'fail', message: expect.stringMatching(/invalid TCP ping target/) });
  });
});

describe('AuthGate', () => {
  it('pauses everyone, lets exactly one probe after the pause, doubles on another refusal', () => {
    const g = new AuthGate();
    let closed = 0;
    g.onRefused(() => closed++);
    expect(g.mayConnect('a', 0)).toBe(true);
    expect(g.refused(1000)).toMatchObject({ pauseMs: 300_000, first: true });
    expect(closed).toBe(1);
    expect(g.mayConnect('a', 300_000)).toBe(false);
    expect(g.mayConnect('b', 301_000)).toBe(true);
    expect(g.mayConnect('a', 301_000)).toBe(false);
    expect(g.refused(302_000)).toMatchObject({ pauseMs: 600_000, first: false });
    expect(g.mayConnect('a', 902_000)).toBe(true);
    g.released('a');
    expect(g.mayConnect('c', 902_000)).toBe(true);
    expect(g.accepted()).toBe(2);
    expect(g.mayConnect('a', 902_000)).toBe(true);
    expect(g.refused(903_000).pauseMs).toBe(300_000);
  });
});

describe('gRPC errors', () => {
  it('treats UNAUTHENTICATED and the WAF message as auth failures, and masks the secret', () => {
    expect(isAuthFailure({ code: 16, details: 'x' })).toBe(true);
    expect(isAuthFailure({ code: 7, details: 'you were blocked by nezha WAF' })).toBe(true);
    expect(isAuthFailure({ code: 14, details: 'connect ECONNREFUSED' })).toBe(false);
    expect(describeGrpcError({ code: 16, details: 'bad secret s3cr3t-value' }, 's3cr3t-value')).toBe('UNAUTHENTICATED: bad secret ***');
  });
});

describe('PingHistory (v0 rules)', () => {
  const icmp = (id: number, name = 'ICMP ping 1.1.1.1') => ({ source: 'nezha', id, name, type: 'icmp' as const });

  it('averages results in runs of two, failures counted as 0 ms, capped at 1000 ms, one point per minute for 24 h', () => {
    const h = new PingHistory();
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 10);
    h.record('r', icmp(5), t0, 10);
    h.record('r', icmp(5), t0 + 20_000, 20); // run complete: 15
    h.record('r', icmp(5), t0 + 60_000, undefined);
    h.record('r', icmp(5), t0 + 70_000, 30); // (0 + 30) / 2 = 15 at 12:01
    h.record('r', icmp(5), t0 + 120_000, 1500);
    h.record('r', icmp(5), t0 + 125_000, 1700); // capped at 1000 at 12:02
    h.record('r', icmp(5), t0 + 130_000, 40); // a run in progress makes no point
    expect(h.query('r', t0 + 130_000)).toEqual([
      {
        monitorId: 5,
        monitorName: 'ICMP ping 1.1.1.1',
        createdAt: [Date.UTC(2026, 0, 1, 12, 0), Date.UTC(2026, 0, 1, 12, 1), Date.UTC(2026, 0, 1, 12, 2)],
        avgDelay: [15, 15, 1000],
      },
    ]);
    expect(h.query('r', t0 + 24 * 3_600_000 + 50_000)[0]?.createdAt).toEqual([Date.UTC(2026, 0, 1, 12, 1), Date.UTC(2026, 0, 1, 12, 2)]);
  });

  it('merges the points of one minute into their mean (tasks faster than 30 s)', () => {
    const h = new PingHistory();
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (const [i, d] of [10, 10, 30, 30, 50, 50].entries()) h.record('r', icmp(1), t0 + i * 5_000, d);
    expect(h.query('r', t0 + 30_000)[0]).toMatchObject({ createdAt: [t0], avgDelay: [30] });
  });

  it('keeps ICMP and TCP monitors only, as v0 did; HTTP monitors have no per-server history', () => {
    const h = new PingHistory();
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (const type of ['icmp', 'tcp', 'http'] as const) {
      const id = { icmp: 1, tcp: 2, http: 3 }[type];
      h.record('r', { source: 'nezha', id, name: type, type }, t0, 5);
      h.record('r', { source: 'nezha', id, name: type, type }, t0 + 1000, 5);
    }
    expect(h.query('r', t0 + 1000).map((s) => s.monitorId)).toEqual([1, 2]);
  });

  it('Komari and Nezha tasks with the same id are two monitors: Komari ids are shifted by 2^32', () => {
    const h = new PingHistory();
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (const source of ['nezha', 'komari']) {
      h.record('r', { source, id: 7, name: `${source} task`, type: 'tcp' }, t0, 5);
      h.record('r', { source, id: 7, name: `${source} task`, type: 'tcp' }, t0 + 1, 5);
    }
    expect(h.query('r', t0 + 1).map((s) => [s.monitorId, s.monitorName])).toEqual([
      [7, 'nezha task'],
      [2 ** 32 + 7, 'komari task'],
    ]);
    expect(v0MonitorId('komari', 2 ** 32)).toBeUndefined();
    expect(v0MonitorId('other', 1)).toBeUndefined();
  });

  it('bounds the monitors per router, dropping the one updated longest ago', () => {
    const h = new PingHistory({ maxMonitors: 2 });
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (const [i, id] of [5, 6, 7].entries()) {
      h.record('r', icmp(id, 'a'), t0 + i * 10, 1);
      h.record('r', icmp(id, 'a'), t0 + i * 10 + 1, 1);
    }
    expect(h.query('r', t0 + 100).map((s) => s.monitorId)).toEqual([6, 7]);
    expect(h.query('other', t0)).toEqual([]);
  });
});
