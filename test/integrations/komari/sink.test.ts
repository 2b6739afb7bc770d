import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterSample } from '../../../src/model.js';
import { createKomariClient, type KomariClient, type KomariCredentials } from '../../../src/integrations/komari/client.js';
import { KomariSink, type KomariSinkDeps } from '../../../src/integrations/komari/sink.js';
import type { TokenStore } from '../../../src/integrations/komari/token-store.js';
import { FleetLines, WINDOW_MS } from '../../../src/fleet-lines.js';
import { createKomariFake, type KomariFake } from '../../fakes/komari.js';
import { ManualClock } from '../../support/manual-clock.js';
import { type MswServer, serveMsw } from '../../fakes/serve-msw.js';
import { type CapturedLog, captureLog } from './log-capture.js';
import { routerInfo, routerSample } from './samples.js';

const TOKEN = 'GoodTokenGoodToken1234';
const KEY = 'discovery-key-for-tests';
const BASIC_INFO_MS = 5 * 60_000;
const WARN = 40;
const ERROR = 50;
const INFO = 30;

let fake: KomariFake;
let server: MswServer;
let client: KomariClient;
let log: CapturedLog;
let clock: number;
const signal = new AbortController().signal;

/** An in-memory TokenStore that can be told to fail. */
class MemoryTokens implements TokenStore {
  saved = new Map<string, KomariCredentials>();
  saveFailures = 0;
  loadFailures = 0;
  saves = 0;
  async load(router: string) {
    if (this.loadFailures > 0) {
      this.loadFailures--;
      throw new Error('state file unreadable');
    }
    return this.saved.get(router);
  }
  async save(router: string, creds: KomariCredentials) {
    this.saves++;
    if (this.saveFailures > 0) {
      this.saveFailures--;
      throw new Error('EACCES: state dir not writable');
    }
    this.saved.set(router, creds);
  }
}

function sink(over: Partial<KomariSinkDeps> = {}): KomariSink {
  return new KomariSink({
    router: 'home-gw',
    client,
    token: TOKEN,
    discoveryKey: undefined,
    tokens: new MemoryTokens(),
    basicInfoIntervalMs: BASIC_INFO_MS,
    version: '0.1.0',
    logger: log.logger,
    now: () => clock,
    ...over,
  });
}

const paths = () => server.requests.map((r) => r.url.split('?')[0]);
const count = (path: string) => paths().filter((p) => p === `/api/clients/${path}`).length;

/** Every secret a test used: none may appear in any log line. */
function secrets(): string[] {
  return [TOKEN, KEY, ...fake.received.registrations.map((r) => r.token), ...[...fake.nodes.keys()]];
}

beforeEach(async () => {
  clock = 1_760_000_000_000;
  fake = createKomariFake({ tokens: { [TOKEN]: 'home-gw' }, discoveryKey: KEY });
  server = await serveMsw(fake.handlers);
  client = createKomariClient({ baseUrl: server.url, timeoutMs: 5000 });
  log = captureLog();
});

afterEach(async () => {
  const all = log.lines.join('');
  for (const s of secrets()) expect(all).not.toContain(s);
  fake.assertNoViolations();
  fake.releaseHung();
  await client.close();
  await server.close();
});

describe('KomariSink: basic info and reports', () => {
  it('uploads basic info before the first report, then only reports', async () => {
    const s = sink();
    await s.start(signal);
    await s.push(routerSample(), signal);
    clock += 5000;
    await s.push(routerSample(), signal);
    expect(paths()).toEqual(['/api/clients/uploadBasicInfo', '/api/clients/report', '/api/clients/report']);
    expect(fake.nodes.get(TOKEN)?.basicInfo).toMatchObject({ ipv4: '203.0.113.7', version: 'tikprobe 0.1.0', os: 'RouterOS 7.20.5 (stable)' });
    expect(s.lastResult()).toEqual({ ok: true, at: clock });
    expect(s.token()).toBe(TOKEN);
  });

  it('uploads basic info again when it changes', async () => {
    const s = sink();
    await s.push(routerSample(), signal);
    clock += 5000;
    await s.push(routerSample({ info: routerInfo({ publicIpv4: '198.51.100.9' }) }), signal);
    clock += 5000;
    await s.push(routerSample({ info: routerInfo({ publicIpv4: '198.51.100.9' }) }), signal);
    expect(count('uploadBasicInfo')).toBe(2);
    expect(fake.received.basicInfo[1]?.body).toMatchObject({ ipv4: '198.51.100.9' });
    expect(count('report')).toBe(3);
  });

  it('uploads basic info again when the interval has passed, not before', async () => {
    const s = sink();
    await s.push(routerSample(), signal);
    clock += BASIC_INFO_MS - 1;
    await s.push(routerSample(), signal);
    expect(count('uploadBasicInfo')).toBe(1);
    clock += 1;
    await s.push(routerSample(), signal);
    expect(count('uploadBasicInfo')).toBe(2);
  });

  it('still reports when basic info fails, warns with the status and body, and retries basic info a minute later', async () => {
    fake.fault('basicInfo', 500, { body: '{"status":"error","error":{}}', times: 1 });
    const s = sink();
    await s.push(routerSample(), signal);
    expect(count('report')).toBe(1);
    expect(s.lastResult()?.ok).toBe(true);
    const warn = log.at(WARN);
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ status: 500, body: '{"status":"error","error":{}}', code: 'KOMARI_REJECTED' });
    expect(warn[0]?.msg).toContain('home-gw');
    clock += 30_000;
    await s.push(routerSample(), signal);
    expect(count('uploadBasicInfo')).toBe(1);
    clock += 30_000;
    await s.push(routerSample(), signal);
    expect(count('uploadBasicInfo')).toBe(2);
    expect(fake.received.basicInfo).toHaveLength(1);
    expect(log.at(INFO).some((e) => e.msg.includes('basic info') && e.msg.includes('again'))).toBe(true);
  });

  it('warns once when the router has no known public address', async () => {
    const s = sink();
    const noIp = routerSample({ info: routerInfo({ publicIpv4: undefined, publicIpv6: undefined }) });
    await s.push(noIp, signal);
    clock += BASIC_INFO_MS;
    await s.push(noIp, signal);
    const warn = log.at(WARN).filter((e) => e.msg.includes('public'));
    expect(warn).toHaveLength(1);
    expect(fake.received.basicInfo[0]?.body).not.toHaveProperty('ipv4');
  });

  it('logs a refused report at warn with status and body, repeats at debug with a count, recovery at info', async () => {
    fake.fault('report', 500, { body: '{"error":"CPU.Usage must be between 0 and 100"}', times: 3 });
    const s = sink();
    for (let i = 0; i < 4; i++) {
      await s.push(routerSample(), signal);
      clock += 5000;
    }
    const warn = log.at(WARN);
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ status: 500, body: '{"error":"CPU.Usage must be between 0 and 100"}', code: 'KOMARI_REJECTED' });
    const repeats = log.at(20).filter((e) => e.msg.includes('report') && e.msg.includes('again'));
    expect(repeats.map((e) => e.count)).toEqual([2, 3]);
    expect(log.at(INFO).filter((e) => e.msg.includes('accepts reports'))).toHaveLength(1);
    expect(s.lastResult()?.ok).toBe(true);
    expect(fake.received.reports).toHaveLength(1);
  });

  it('with the fleet lines, a Komari outage seen by 30 routers logs 5 warnings and one summary, not 30', async () => {
    fake.fault('report', 503, { times: 30 });
    const fleetClock = new ManualClock();
    const lines = new FleetLines(log.logger, fleetClock);
    for (let i = 0; i < 30; i++) await sink({ router: `r${i}`, lines }).push(routerSample(), signal);
    expect(log.at(WARN).map((e) => e.msg)).toEqual([0, 1, 2, 3, 4].map((i) => `Komari report for router "r${i}" failed`));
    fleetClock.advance(WINDOW_MS);
    expect(log.at(WARN)).toHaveLength(6);
    expect(log.at(WARN)[5]).toMatchObject({ topic: 'Komari report failed', more: 25, codes: { KOMARI_TRANSIENT: 25 } });
  });

  it('records a failed report in lastResult', async () => {
    fake.fault('report', 'reset', { times: 1 });
    const s = sink();
    await s.push(routerSample(), signal);
    expect(s.lastResult()).toMatchObject({ ok: false, at: clock, error: expect.stringContaining('/api/clients/report') });
  });

  it('a report aborted by stopping is no Komari failure: nothing at warn', async () => {
    const s = sink();
    await s.push(routerSample(), signal);
    fake.fault('report', 'timeout', { times: 1 });
    const stopping = new AbortController();
    const push = s.push(routerSample(), stopping.signal);
    await fake.nextHang();
    stopping.abort();
    await push;
    expect(log.at(WARN)).toEqual([]);
    expect(log.entries().some((e) => e.msg.includes('not sent: stopping'))).toBe(true);
  });

  it('stopping during the basic info upload sends no report after it and warns nothing', async () => {
    fake.fault('basicInfo', 'timeout', { times: 1 });
    const s = sink();
    const stopping = new AbortController();
    const push = s.push(routerSample(), stopping.signal);
    await fake.nextHang();
    stopping.abort();
    await push;
    expect(count('report')).toBe(0);
    expect(log.at(WARN)).toEqual([]);
  });

  it('does not throw or send garbage when the sample cannot be mapped', async () => {
    const s = sink();
    const base = routerSample();
    const bad: RouterSample = { ...base, traffic: { ...base.traffic, totalUpBytes: Number.NaN } };
    await expect(s.push(bad, signal)).resolves.toBeUndefined();
    expect(count('report')).toBe(0);
    expect(s.lastResult()).toMatchObject({ ok: false, error: expect.stringContaining('network.totalUp') });
    expect(log.at(WARN)).toHaveLength(1);
  });
});

describe('KomariSink: a token Komari does not accept', () => {
  const WRONG = 'WrongTokenWrongToken12';

  it('logs one error, pauses with a doubling slow retry, and logs recovery once', async () => {
    const s = sink({ token: WRONG });
    await s.push(routerSample(), signal);
    expect(count('uploadBasicInfo')).toBe(1);
    expect(count('report')).toBe(0);
    const errors = log.at(ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain('home-gw');
    expect(errors[0]?.msg).toMatch(/does not accept the token/);
    expect(s.lastResult()).toMatchObject({ ok: false, status: 401 });

    // Paused: nothing is sent for 60 s.
    const before = server.requests.length;
    for (let t = 0; t < 11; t++) {
      clock += 5000;
      await s.push(routerSample(), signal);
    }
    expect(server.requests.length).toBe(before);
    clock += 5000; // 60 s after the refusal
    await s.push(routerSample(), signal);
    expect(server.requests.length).toBe(before + 1);
    expect(log.at(ERROR)).toHaveLength(1);

    // The second refusal doubles the pause to 120 s.
    clock += 60_000;
    await s.push(routerSample(), signal);
    expect(server.requests.length).toBe(before + 1);

    // The admin fixes the node's token; the next retry succeeds and says so once.
    const node = fake.nodes.get(TOKEN);
    if (!node) throw new Error('node missing');
    fake.nodes.set(WRONG, { ...node, token: WRONG });
    clock += 60_000;
    await s.push(routerSample(), signal);
    clock += 5000;
    await s.push(routerSample(), signal);
    expect(fake.received.reports).toHaveLength(2);
    expect(log.at(INFO).filter((e) => e.msg.includes('accepts the token'))).toHaveLength(1);
    expect(log.at(ERROR)).toHaveLength(1);
    expect(s.lastResult()?.ok).toBe(true);
  });

  it('pauses the same way when only the report is refused', async () => {
    fake.fault('report', 401);
    const s = sink();
    await s.push(routerSample(), signal);
    clock += 5000;
    await s.push(routerSample(), signal);
    expect(count('report')).toBe(1);
    expect(log.at(ERROR)).toHaveLength(1);
  });

  it('verifyToken tests the token through the read-only task list', async () => {
    await expect(sink().verifyToken(signal)).resolves.toBeUndefined();
    await expect(sink({ token: WRONG }).verifyToken(signal)).rejects.toMatchObject({ code: 'KOMARI_AUTH', status: 401 });
    await expect(sink({ token: undefined, discoveryKey: KEY }).verifyToken(signal)).rejects.toMatchObject({ code: 'KOMARI_AUTH' });
    expect(paths().every((p) => p === '/api/clients/ping/tasks')).toBe(true);
    // One read per sink with a token; the sink without one sends nothing.
    expect(paths()).toEqual(['/api/clients/ping/tasks', '/api/clients/ping/tasks']);
  });
});

describe('KomariSink: auto-discovery', () => {
  const discovering = (tokens: TokenStore) => sink({ token: undefined, discoveryKey: KEY, tokens });

  it('registers once, saves before use, and a second instance with the same store does not register again', async () => {
    const tokens = new MemoryTokens();
    const first = discovering(tokens);
    await first.start(signal);
    expect(fake.received.registrations).toHaveLength(1);
    const reg = fake.received.registrations[0];
    expect(reg?.name).toBe('Auto-home-gw');
    expect(tokens.saved.get('home-gw')).toEqual({ uuid: reg?.uuid, token: reg?.token });
    expect(first.token()).toBe(reg?.token);
    await first.push(routerSample(), signal);
    expect(fake.received.reports.map((r) => r.token)).toEqual([reg?.token]);
    await first.stop();

    const second = discovering(tokens);
    await second.start(signal);
    await second.push(routerSample(), signal);
    expect(fake.received.registrations).toHaveLength(1);
    expect(second.token()).toBe(reg?.token);
    expect(fake.received.reports).toHaveLength(2);
  });

  it('registers once when start and push race', async () => {
    const s = discovering(new MemoryTokens());
    await Promise.all([s.start(signal), s.start(signal), s.push(routerSample(), signal)]);
    expect(fake.received.registrations).toHaveLength(1);
  });

  it('never registers again after a failed save: holds the token unused and retries the save', async () => {
    const tokens = new MemoryTokens();
    tokens.saveFailures = 2;
    const s = discovering(tokens);
    await s.start(signal);
    expect(fake.received.registrations).toHaveLength(1);
    expect(s.token()).toBeUndefined();
    expect(log.at(ERROR)).toEqual([expect.objectContaining({ step: 'save' })]);

    await s.push(routerSample(), signal); // within the retry delay: nothing
    expect(tokens.saves).toBe(1);
    clock += 30_000;
    await s.push(routerSample(), signal); // save fails again, quietly
    expect(tokens.saves).toBe(2);
    expect(count('report')).toBe(0);
    clock += 60_000;
    await s.push(routerSample(), signal); // save works: token in use
    expect(tokens.saves).toBe(3);
    expect(fake.received.registrations).toHaveLength(1);
    expect(tokens.saved.get('home-gw')?.token).toBe(fake.received.registrations[0]?.token);
    expect(fake.received.reports).toHaveLength(1);
    expect(log.at(ERROR)).toHaveLength(1);
  });

  it('does not register when the saved registration cannot be read', async () => {
    const tokens = new MemoryTokens();
    tokens.loadFailures = 1;
    tokens.saved.set('home-gw', { uuid: 'u-1', token: TOKEN });
    const s = discovering(tokens);
    await s.start(signal);
    expect(fake.received.registrations).toHaveLength(0);
    expect(s.token()).toBeUndefined();
    clock += 30_000;
    await s.push(routerSample(), signal);
    expect(fake.received.registrations).toHaveLength(0);
    expect(s.token()).toBe(TOKEN);
    expect(fake.received.reports).toHaveLength(1);
  });

  it('a refused discovery key logs one error and retries with backoff on later pushes', async () => {
    const s = sink({ token: undefined, discoveryKey: 'not-the-right-key-000', tokens: new MemoryTokens() });
    await s.start(signal);
    expect(count('register')).toBe(1);
    expect(log.at(ERROR)).toEqual([expect.objectContaining({ status: 403, msg: expect.stringContaining('auto-discovery key') })]);
    expect(s.lastResult()).toMatchObject({ ok: false, status: 403 });
    clock += 29_000;
    await s.push(routerSample(), signal);
    expect(count('register')).toBe(1);
    clock += 1000;
    await s.push(routerSample(), signal);
    expect(count('register')).toBe(2);
    clock += 30_000; // the delay doubled to 60 s
    await s.push(routerSample(), signal);
    expect(count('register')).toBe(2);
    expect(log.at(ERROR)).toHaveLength(1);
    expect(log.lines.join('')).not.toContain('not-the-right-key-000');
  });

  it('a configured token wins over a saved registration and discovery', async () => {
    const tokens = new MemoryTokens();
    tokens.saved.set('home-gw', { uuid: 'u-1', token: 'SavedTokenSavedToken12' });
    const s = sink({ token: TOKEN, discoveryKey: KEY, tokens });
    await s.start(signal);
    expect(s.token()).toBe(TOKEN);
    expect(count('register')).toBe(0);
  });
});
