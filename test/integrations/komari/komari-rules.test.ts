import { describe, expect, it } from 'vitest';
import { checkBasicInfo, checkPingResult, checkReport, type KomariVerdict } from '@tikprobe/sim/komari-rules.js';

const VALID_REPORT =
  '{"cpu":{"usage":7},"ram":{"total":1073741824,"used":268435456},"swap":{"total":0,"used":0},' +
  '"load":{"load1":0,"load5":0,"load15":0},"disk":{"total":134217728,"used":33554432},' +
  '"network":{"up":125000,"down":2500000,"totalUp":981234567,"totalDown":12345678901},' +
  '"connections":{"tcp":123,"udp":45},"uptime":86400,"process":0,"message":""}';

const VALID_INFO = {
  cpu_name: 'ARM64 (hAP ax^2)',
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
};

const INVALID_BODY = { ok: false, status: 400, body: '{"error":"Invalid request body"}' };
const refusal = (v: KomariVerdict) => (v.ok ? { ok: true } : { ok: false, status: v.status, body: v.body });

describe('checkReport (Komari HEAD)', () => {
  it('accepts the protocol example and returns the decoded report', () => {
    const v = checkReport(VALID_REPORT);
    expect(v.ok).toBe(true);
    expect(v.ok && v.value).toMatchObject({ network: { totalDown: 12345678901 }, connections: { tcp: 123, udp: 45 }, uptime: 86400 });
  });

  it.each([
    ['a fraction', '"tcp":12.5'],
    ['an exponent', '"tcp":1e3'],
    ['a capital exponent', '"tcp":1E3'],
    ['a zero fraction', '"tcp":12.0'],
  ])('refuses %s in an integer field with 400', (_what, literal) => {
    expect(refusal(checkReport(VALID_REPORT.replace('"tcp":123', literal)))).toEqual(INVALID_BODY);
  });

  it.each([
    ['"uptime":86400', '"uptime":86400.0'],
    ['"totalUp":981234567', '"totalUp":9.81234567e8'],
    ['"total":1073741824', '"total":1073741824.5'],
  ])('refuses %s written as %s with 400', (from, literal) => {
    const body = VALID_REPORT.replace(from, literal);
    expect(body).not.toBe(VALID_REPORT);
    expect(refusal(checkReport(body))).toEqual(INVALID_BODY);
  });

  it('takes floats where Komari has floats: cpu.usage and the load averages', () => {
    const body = VALID_REPORT.replace('"usage":7', '"usage":7.25').replace('"load1":0', '"load1":0.5e1');
    expect(checkReport(body).ok).toBe(true);
  });

  it('refuses values beyond int64 and accepts the int64 maximum', () => {
    expect(checkReport('{"uptime":9223372036854775807}').ok).toBe(true);
    expect(refusal(checkReport('{"uptime":9223372036854775808}'))).toEqual(INVALID_BODY);
    expect(refusal(checkReport('{"cpu":{"usage":1e400}}'))).toEqual(INVALID_BODY);
  });

  it.each([
    ['a string for an integer', '{"uptime":"86400"}'],
    ['a number for a string', '{"message":5}'],
    ['a number for an object', '{"cpu":5}'],
    ['a bool for a float', '{"cpu":{"usage":true}}'],
    ['an array at the top', '[]'],
    ['a string at the top', '"report"'],
    ['broken JSON', '{"cpu":'],
    ['an empty body', ''],
  ])('refuses %s with 400', (_what, body) => {
    expect(refusal(checkReport(body))).toEqual(INVALID_BODY);
  });

  it('matches keys case-insensitively, ignores unknown keys and treats null as absent, like Go', () => {
    expect(refusal(checkReport('{"CPU":{"USAGE":150}}'))).toEqual({
      ok: false,
      status: 500,
      body: '{"error":"CPU.Usage must be between 0 and 100"}',
    });
    const v = checkReport('{"cpu":null,"whatever":{"x":[1.5]},"ram":{"total":5,"free":1.5},"Network":{"TOTALUP":3}}');
    expect(v.ok && v.value).toMatchObject({ cpu: { usage: 0 }, ram: { total: 5, used: 0 }, network: { totalUp: 3 } });
    expect(checkReport('null').ok).toBe(true);
    expect(checkReport('{}').ok).toBe(true);
  });

  it('merges a repeated object key into the same struct, as Go does', () => {
    const v = checkReport('{"ram":{"total":5},"RAM":{"used":2}}');
    expect(v.ok && v.value).toMatchObject({ ram: { total: 5, used: 2 } });
  });

  it.each([
    ['"usage":7', '"usage":100.5', 'CPU.Usage must be between 0 and 100'],
    ['"usage":7', '"usage":-0.1', 'CPU.Usage must be between 0 and 100'],
    ['"load1":0', '"load1":1200', 'Load.Load1 must be non-negative, got 1200.00'],
    ['"load1":0', '"load1":-1', 'Load.Load1 must be non-negative, got -1.00'],
    ['"totalUp":981234567', '"totalUp":-1', 'Network.TotalUp must be non-negative, got -1'],
    ['"used":268435456', '"used":-5', 'Ram.Used must be non-negative, got -5'],
    ['"tcp":123', '"tcp":-1', 'Connections.TCP must be non-negative: -1'],
    ['"process":0', '"process":-2', 'Process must be non-negative: -2'],
  ])('refuses %s → %s with 500 and Komari\'s message', (from, to, message) => {
    expect(refusal(checkReport(VALID_REPORT.replace(from, to)))).toEqual({ ok: false, status: 500, body: JSON.stringify({ error: message }) });
  });

  it('records a violation for a uuid or token in the body, whatever its case', () => {
    for (const key of ['uuid', 'UUID', 'token']) {
      const v = checkReport(`{"${key}":"x",${VALID_REPORT.slice(1)}`);
      expect(v.ok).toBe(false);
      expect(!v.ok && v.violation).toMatch(new RegExp(key.toLowerCase()));
    }
  });

  it('records a violation for an updated_at in the body, whatever its case, even a valid time', () => {
    const v = checkReport(`{"Updated_At":"2026-08-17T10:00:05Z",${VALID_REPORT.slice(1)}`);
    expect(refusal(v)).toMatchObject({ ok: false, status: 400 });
    expect(!v.ok && v.violation).toContain('updated_at');
  });

  it('checks the gpu object strictly when present', () => {
    expect(checkReport('{"gpu":{"count":1,"average_usage":3.5,"detailed_info":[{"name":"x","memory_total":1,"temperature":40}]}}').ok).toBe(true);
    expect(refusal(checkReport('{"gpu":{"count":1.5}}'))).toEqual(INVALID_BODY);
    expect(refusal(checkReport('{"gpu":{"detailed_info":[{"temperature":40.5}]}}'))).toEqual(INVALID_BODY);
  });
});

describe('checkBasicInfo', () => {
  const body = (extra: Record<string, unknown> = {}, drop: string[] = []) => {
    const o: Record<string, unknown> = { ...VALID_INFO, ...extra };
    for (const k of drop) delete o[k];
    return JSON.stringify(o);
  };
  const UPDATE_FAILED = { ok: false, status: 500, body: '{"status":"error","error":{}}' };

  it('accepts what tikprobe sends, in both modes', () => {
    expect(checkBasicInfo(body(), 'head').ok).toBe(true);
    expect(checkBasicInfo(body(), '1.1.8').ok).toBe(true);
  });

  it('refuses a body that is not an object with 400', () => {
    for (const raw of ['[]', 'null', '"x"', '{']) {
      expect(refusal(checkBasicInfo(raw, 'head'))).toEqual({ ok: false, status: 400, body: '{"status":"error","error":"Invalid or missing data"}' });
    }
  });

  it('fails the whole update (500) on an unknown key, an object or array value, or a negative number', () => {
    expect(refusal(checkBasicInfo(body({ cpu_model: 'x' }), 'head'))).toEqual(UPDATE_FAILED);
    expect(refusal(checkBasicInfo(body({ Cpu_Name: 'x' }), 'head'))).toEqual(UPDATE_FAILED);
    expect(refusal(checkBasicInfo(body({ os: { name: 'x' } }), 'head'))).toEqual(UPDATE_FAILED);
    expect(refusal(checkBasicInfo(body({ ipv4: ['1.2.3.4'] }), 'head'))).toEqual(UPDATE_FAILED);
    expect(refusal(checkBasicInfo(body({ mem_total: -1 }), 'head'))).toEqual(UPDATE_FAILED);
  });

  it('refuses admin columns with 500 and records a violation', () => {
    for (const key of ['token', 'uuid', 'name', 'group', 'traffic_limit', 'remark']) {
      const v = checkBasicInfo(body({ [key]: 'x' }), 'head');
      expect(refusal(v)).toEqual(UPDATE_FAILED);
      expect(!v.ok && v.violation).toContain(key);
    }
  });

  it('records a violation for a non-integer or non-number count, which SQL would store silently', () => {
    const v = checkBasicInfo(body({ cpu_cores: '4' }), 'head');
    expect(!v.ok && v.violation).toContain('cpu_cores');
    const raw = body().replace('"cpu_cores":4', '"cpu_cores":4.0');
    const w = checkBasicInfo(raw, 'head');
    expect(!w.ok && w.violation).toContain('4.0');
  });

  it('takes cpu_physical_cores on HEAD and refuses it on 1.1.8', () => {
    expect(checkBasicInfo(body({ cpu_physical_cores: 4 }), 'head').ok).toBe(true);
    expect(refusal(checkBasicInfo(body({ cpu_physical_cores: 4 }), '1.1.8'))).toEqual(UPDATE_FAILED);
  });

  it('answers 500 with an empty body on 1.1.8 when a mandatory count is missing', () => {
    for (const key of ['cpu_cores', 'mem_total', 'swap_total', 'disk_total']) {
      expect(refusal(checkBasicInfo(body({}, [key]), '1.1.8'))).toEqual({ ok: false, status: 500, body: '' });
      expect(checkBasicInfo(body({}, [key]), 'head').ok).toBe(true);
    }
  });
});

describe('checkPingResult', () => {
  const result = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ task_id: 3, value: 12, ping_type: 'icmp', finished_at: '2026-08-17T10:00:05.123+02:00', ...over });

  it('accepts a proper result, and -1 for loss', () => {
    expect(checkPingResult(result()).ok).toBe(true);
    expect(checkPingResult(result({ value: -1, finished_at: '2026-08-17T08:00:05Z' })).ok).toBe(true);
  });

  it('refuses a fractional value with the Go decoder message', () => {
    expect(refusal(checkPingResult(result().replace('"value":12', '"value":12.5')))).toEqual({
      ok: false,
      status: 400,
      body: JSON.stringify({ status: 'error', message: 'Invalid request: json: cannot unmarshal number 12.5 into Go struct field .value of type int' }),
    });
    expect(checkPingResult(result().replace('"value":12', '"value":12.0')).ok).toBe(false);
  });

  it.each([
    ['task_id 0', { task_id: 0 }],
    ['a negative task_id', { task_id: -1 }],
    ['no finished_at', { finished_at: undefined }],
    ['finished_at without an offset', { finished_at: '2026-08-17T10:00:05' }],
    ['finished_at in another format', { finished_at: '08/17/2026 10:00:05' }],
    ['an impossible date', { finished_at: '2026-02-30T10:00:05Z' }],
    ['a string value', { value: '12' }],
  ])('refuses %s with 400', (_what, over) => {
    const v = checkPingResult(result(over));
    expect(v.ok).toBe(false);
    expect(!v.ok && v.status).toBe(400);
  });

  it('refuses malformed JSON with the HEAD body', () => {
    expect(refusal(checkPingResult('{'))).toEqual({ ok: false, status: 400, body: '{"status":"error","message":"Invalid or missing request body"}' });
  });
});
