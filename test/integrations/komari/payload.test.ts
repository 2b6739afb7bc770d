import { describe, expect, it } from 'vitest';
import { numberLiterals, parseRawJson } from '@tikprobe/sim/json-literals.js';
import { checkBasicInfo, checkReport } from '@tikprobe/sim/komari-rules.js';
import {
  basicInfoEquals,
  basicInfoDigest,
  basicInfoKey,
  KomariPayloadError,
  lacksPublicAddress,
  toKomariBasicInfo,
  toKomariReport,
} from '../../../src/integrations/komari/payload.js';
import { routerInfo, routerSample } from './samples.js';

/** Every number literal of the serialised body, by path. */
function literals(body: unknown): Record<string, string> {
  const parsed = parseRawJson(JSON.stringify(body));
  if (!parsed.ok) throw new Error('not JSON');
  return Object.fromEntries(numberLiterals(parsed.value).map((l) => [l.path, l.raw]));
}

const FLOAT_FIELDS = new Set(['cpu.usage', 'load.load1', 'load.load5', 'load.load15']);

describe('toKomariReport', () => {
  it('maps a sample onto the report shape exactly', () => {
    expect(toKomariReport(routerSample())).toEqual({
      cpu: { usage: 7 },
      ram: { total: 1073741824, used: 268435456 },
      swap: { total: 0, used: 0 },
      load: { load1: 0, load5: 0, load15: 0 },
      disk: { total: 134217728, used: 33554432 },
      network: { up: 125000, down: 2500000, totalUp: 981234567, totalDown: 12345678901 },
      connections: { tcp: 123, udp: 45 },
      uptime: 86400,
      process: 0,
      message: '',
    });
  });

  it('writes every integer field as a plain integer literal, even from fractional inputs', () => {
    const sample = routerSample({
      resource: { ...routerSample().resource, uptimeS: 86400.6, freeMemoryBytes: 805306368.4, cpuLoadPercent: 12.5 },
      traffic: { upBps: 1234.5, downBps: 0.49, totalUpBytes: 981234567.5, totalDownBytes: 1e15 + 0.5 },
    });
    const lits = literals(toKomariReport(sample));
    for (const [path, raw] of Object.entries(lits)) {
      if (FLOAT_FIELDS.has(path)) continue;
      expect(raw, path).toMatch(/^[0-9]+$/);
    }
    expect(lits).toMatchObject({ 'network.up': '1235', 'network.down': '0', uptime: '86401', 'network.totalDown': '1000000000000001' });
    expect(lits['cpu.usage']).toBe('12.5');
    // And the strict rules agree.
    expect(checkReport(JSON.stringify(toKomariReport(sample))).ok).toBe(true);
  });

  it('never sends uuid, gpu, updated_at or anything outside the report shape', () => {
    expect(Object.keys(toKomariReport(routerSample())).sort()).toEqual(
      ['connections', 'cpu', 'disk', 'load', 'message', 'network', 'process', 'ram', 'swap', 'uptime'].sort(),
    );
  });

  it('up is transmit and down is receive', () => {
    const r = toKomariReport(routerSample({ traffic: { upBps: 1, downBps: 2, totalUpBytes: 3, totalDownBytes: 4 } }));
    expect(r.network).toEqual({ up: 1, down: 2, totalUp: 3, totalDown: 4 });
  });

  it('clamps negatives to 0 and cpu to 0–100, so Komari never answers 500', () => {
    const base = routerSample();
    const r = toKomariReport({
      ...base,
      resource: { ...base.resource, cpuLoadPercent: 140, freeMemoryBytes: base.resource.totalMemoryBytes + 5, freeHddBytes: -3 },
      traffic: { upBps: -10, downBps: -0.4, totalUpBytes: 0, totalDownBytes: 0 },
      connections: { tcp: -1, udp: -2, source: 'count-only' },
    });
    expect(r.cpu.usage).toBe(100);
    expect(r.ram.used).toBe(0);
    expect(r.disk.used).toBe(134217728);
    expect(r.network.up).toBe(0);
    expect(Object.is(r.network.down, 0)).toBe(true);
    expect(r.connections).toEqual({ tcp: 0, udp: 0 });
    expect(toKomariReport({ ...base, resource: { ...base.resource, cpuLoadPercent: -3 } }).cpu.usage).toBe(0);
    expect(checkReport(JSON.stringify(r)).ok).toBe(true);
  });

  it('throws a typed error instead of sending NaN, Infinity or a number JSON would print with an exponent', () => {
    const base = routerSample();
    const bad = [
      { ...base, traffic: { ...base.traffic, upBps: Number.NaN } },
      { ...base, traffic: { ...base.traffic, totalDownBytes: Number.POSITIVE_INFINITY } },
      { ...base, traffic: { ...base.traffic, totalUpBytes: 1e21 } },
      { ...base, resource: { ...base.resource, cpuLoadPercent: Number.NaN } },
    ];
    for (const s of bad) {
      expect(() => toKomariReport(s)).toThrow(KomariPayloadError);
    }
    try {
      toKomariReport(bad[2] as typeof base);
    } catch (err) {
      expect((err as KomariPayloadError).code).toBe('KOMARI_REJECTED');
      expect((err as KomariPayloadError).field).toBe('network.totalUp');
    }
  });

  it('sends 0/0 connections while they are unknown, and the tracking total as tcp', () => {
    expect(toKomariReport(routerSample({ connections: undefined })).connections).toEqual({ tcp: 0, udp: 0 });
    expect(toKomariReport(routerSample({ connections: { tcp: 812, udp: 99, source: 'tracking-total' } })).connections).toEqual({ tcp: 812, udp: 0 });
  });
});

describe('toKomariBasicInfo', () => {
  it('sends only allowed keys, with the mandatory counts as integers', () => {
    const info = toKomariBasicInfo(routerInfo(), '0.1.0');
    expect(info).toEqual({
      cpu_name: 'ARM64 (hAP ax^2, C52iG-5HaxD2HaxD)',
      cpu_cores: 4,
      arch: 'arm64',
      os: 'RouterOS 7.20.5 (stable)',
      kernel_version: '7.20.5',
      gpu_name: '',
      virtualization: 'None',
      ipv4: '203.0.113.7',
      mem_total: 1073741824,
      swap_total: 0,
      disk_total: 134217728,
      version: 'tikprobe 0.1.0',
    });
    expect(info).not.toHaveProperty('cpu_physical_cores');
    expect(info).not.toHaveProperty('ipv6');
    const lits = literals(info);
    expect(Object.keys(lits).sort()).toEqual(['cpu_cores', 'disk_total', 'mem_total', 'swap_total']);
    for (const raw of Object.values(lits)) expect(raw).toMatch(/^[0-9]+$/);
    // Both server generations take it, including 1.1.8 with its mandatory keys.
    expect(checkBasicInfo(JSON.stringify(info), '1.1.8').ok).toBe(true);
    expect(checkBasicInfo(JSON.stringify(info), 'head').ok).toBe(true);
  });

  it('names the CPU with the board, adding the model only when it says something else', () => {
    expect(toKomariBasicInfo(routerInfo({ model: undefined }), '1').cpu_name).toBe('ARM64 (hAP ax^2)');
    expect(toKomariBasicInfo(routerInfo({ model: 'hAP ax^2' }), '1').cpu_name).toBe('ARM64 (hAP ax^2)');
    expect(toKomariBasicInfo(routerInfo({ cpu: 'QEMU', boardName: 'CHR', model: undefined, virtualization: 'CHR' }), '1')).toMatchObject({
      cpu_name: 'QEMU (CHR)',
      virtualization: 'CHR',
    });
  });

  it('leaves out unknown addresses and reports when both are unknown', () => {
    const both = toKomariBasicInfo(routerInfo({ publicIpv4: '203.0.113.7', publicIpv6: '2001:db8::1' }), '1');
    expect(both).toMatchObject({ ipv4: '203.0.113.7', ipv6: '2001:db8::1' });
    const none = toKomariBasicInfo(routerInfo({ publicIpv4: undefined, publicIpv6: undefined }), '1');
    expect(none).not.toHaveProperty('ipv4');
    expect(none).not.toHaveProperty('ipv6');
    expect(Object.keys(JSON.parse(JSON.stringify(none)))).not.toContain('ipv4');
    expect(lacksPublicAddress(none)).toBe(true);
    expect(lacksPublicAddress(both)).toBe(false);
  });

  it('change detection ignores key order and sees a changed address, version or memory', () => {
    const a = toKomariBasicInfo(routerInfo(), '0.1.0');
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(basicInfoEquals(a, reordered)).toBe(true);
    expect(basicInfoKey(a)).toBe(basicInfoKey(reordered));
    expect(basicInfoEquals(a, toKomariBasicInfo(routerInfo({ publicIpv4: '203.0.113.8' }), '0.1.0'))).toBe(false);
    expect(basicInfoEquals(a, toKomariBasicInfo(routerInfo({ version: '7.21 (stable)' }), '0.1.0'))).toBe(false);
    expect(basicInfoEquals(a, toKomariBasicInfo(routerInfo({ totalMemoryBytes: 536870912 }), '0.1.0'))).toBe(false);
    expect(basicInfoEquals(a, toKomariBasicInfo(routerInfo(), '0.2.0'))).toBe(false);
  });

  it('the kept digest is short and follows the key: equal keys, equal digests; over many changed infos, no two digests alike', () => {
    const a = toKomariBasicInfo(routerInfo(), '0.1.0');
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(basicInfoDigest(a)).toBe(basicInfoDigest(reordered));
    expect(basicInfoDigest(a).length).toBeLessThanOrEqual(24);
    const digests = new Set<string>();
    const keys = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const info = toKomariBasicInfo(routerInfo({ publicIpv4: `10.${(i >> 8) & 255}.${i & 255}.1`, totalMemoryBytes: 1024 * (i % 7 + 1) }), '0.1.0');
      keys.add(basicInfoKey(info));
      digests.add(basicInfoDigest(info));
    }
    expect(digests.size).toBe(keys.size);
  });
});
