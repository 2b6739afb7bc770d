import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KomariError } from '../../../src/errors.js';
import { createKomariClient, type KomariClient, verifyKomariToken } from '../../../src/integrations/komari/client.js';
import { toKomariBasicInfo, toKomariReport, type KomariReport } from '../../../src/integrations/komari/payload.js';
import { createKomariFake, type KomariFake } from '../../fakes/komari.js';
import { type MswServer, serveMsw } from '../../fakes/serve-msw.js';
import { captureLog, type CapturedLog } from './log-capture.js';
import { routerInfo, routerSample } from './samples.js';

// URL-special characters on purpose: the token must be encoded in the query.
const TOKEN = 'Tok+en/With=Special&22';
const KEY = 'secret-discovery-key-42';
const SECRETS = [TOKEN, encodeURIComponent(TOKEN), KEY];

let fake: KomariFake;
let server: MswServer;
let client: KomariClient;
let log: CapturedLog;

async function setUp(version: 'head' | '1.1.8' = 'head', baseSuffix = '') {
  fake = createKomariFake({ tokens: { [TOKEN]: 'home-gw' }, discoveryKey: KEY, version });
  server = await serveMsw(fake.handlers);
  log = captureLog();
  client = createKomariClient({ baseUrl: `${server.url}${baseSuffix}`, timeoutMs: 2000, logger: log.logger });
}

async function tearDown() {
  fake.releaseHung();
  await client.close();
  await server.close();
}

beforeEach(() => setUp());
afterEach(async () => {
  vi.useRealTimers();
  await tearDown();
});

/** Runs `fn`, expects a KomariError, logs it like the sink would, and checks no secret leaked. */
async function failure(fn: () => Promise<unknown>): Promise<KomariError> {
  const err = await fn().then(
    () => {
      throw new Error('expected a KomariError');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KomariError);
  const k = err as KomariError;
  log.logger.error({ err: k, body: k.body, status: k.status }, k.message);
  for (const s of SECRETS) {
    expect(k.message).not.toContain(s);
    expect(k.body ?? '').not.toContain(s);
    expect(JSON.stringify({ ...k, stack: k.stack })).not.toContain(s);
  }
  return k;
}

function expectNoSecretsLogged() {
  const all = log.lines.join('');
  for (const s of SECRETS) expect(all).not.toContain(s);
}

const report = (): KomariReport => toKomariReport(routerSample());

describe('Komari client: requests', () => {
  it('sends the token only as ?token=, URL-encoded, with JSON content type', async () => {
    await client.report(TOKEN, report());
    await client.uploadBasicInfo(TOKEN, toKomariBasicInfo(routerInfo(), '0.1.0'));
    expect(fake.received.reports).toHaveLength(1);
    expect(fake.received.basicInfo).toHaveLength(1);
    for (const req of server.requests) {
      expect(req.url).toMatch(/^\/api\/clients\/(report|uploadBasicInfo)\?token=/);
      expect(req.url).toContain(`token=${encodeURIComponent(TOKEN)}`);
      expect(req.headers.authorization).toBeUndefined();
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.body).not.toContain(TOKEN);
      expect(req.body).not.toMatch(/"uuid"/);
    }
    fake.assertNoViolations();
  });

  it('keeps a base path from the configured url', async () => {
    await tearDown();
    await setUp('head', '/komari/');
    await client.report(TOKEN, report());
    await client.report(TOKEN, report());
    expect(server.requests.map((r) => r.url.split('?')[0])).toEqual(['/komari/api/clients/report', '/komari/api/clients/report']);
  });

  it('counts requests and bytes', async () => {
    await client.report(TOKEN, report());
    await client.report('wrong', report()).catch(() => undefined);
    const s = client.stats();
    expect(s.requests).toBe(2);
    expect(s.failures).toBe(1);
    expect(s.bytesSent).toBe(2 * Buffer.byteLength(JSON.stringify(report())));
    expect(s.bytesReceived).toBeGreaterThan(0);
  });

  it('reads ping tasks, dropping malformed entries one by one and saying which', async () => {
    fake.addPingTask(TOKEN, { id: 3, name: 'CF', type: 'icmp', target: '1.1.1.1', interval: 60, future_key: true });
    fake.addPingTask(TOKEN, { id: 4, name: 'bad interval', type: 'tcp', target: '1.1.1.1:443', interval: '60' });
    fake.addPingTask(TOKEN, { id: 5, name: 'web', type: 'http', target: 'https://example.com', interval: 30 });
    fake.addPingTask(TOKEN, { name: 'no id', type: 'icmp', target: '8.8.8.8', interval: 60 });
    const tasks = await client.getPingTasks(TOKEN);
    expect(tasks).toEqual([
      { id: 3, name: 'CF', type: 'icmp', target: '1.1.1.1', interval: 60 },
      { id: 5, name: 'web', type: 'http', target: 'https://example.com', interval: 30 },
    ]);
    const warn = log.at(40);
    expect(warn).toHaveLength(1);
    expect(warn[0]?.dropped).toEqual([
      expect.objectContaining({ index: 1, id: 4, reason: expect.stringContaining('interval') }),
      expect.objectContaining({ index: 3, reason: expect.stringContaining('id: ') }),
    ]);
    expect(client.stats().droppedTasks).toBe(2);
    expectNoSecretsLogged();
  });

  it('treats a null task list (1.1.8) as empty', async () => {
    await tearDown();
    await setUp('1.1.8');
    expect(await client.getPingTasks(TOKEN)).toEqual([]);
  });

  it('posts a ping result with an integer value', async () => {
    await client.postPingResult(TOKEN, { task_id: 3, value: 12.4, ping_type: 'icmp', finished_at: '2026-08-17T10:00:05.123+02:00' });
    expect(fake.received.pingResults).toHaveLength(1);
    expect(fake.received.pingResults[0]?.rawBody).toContain('"value":12,');
  });

  it('registers with the discovery key as a bearer header and returns the new node', async () => {
    const creds = await client.register(KEY, 'home gw/1');
    expect(fake.received.registrations).toEqual([expect.objectContaining({ name: 'Auto-home gw/1', authorization: `Bearer ${KEY}` })]);
    expect(creds).toEqual({ uuid: fake.received.registrations[0]?.uuid, token: fake.received.registrations[0]?.token });
    expect(server.requests[0]?.url).toBe('/api/clients/register?name=home+gw%2F1');
    await client.report(creds.token, report());
    expect(fake.received.reports).toHaveLength(1);
  });

  it('reads the server version, and verifies a token without sending data', async () => {
    expect(await client.version()).toBe('1.4.3');
    await verifyKomariToken(client, TOKEN);
    const err = await failure(() => verifyKomariToken(client, 'NotAToken'));
    expect(err.code).toBe('KOMARI_AUTH');
    expect(fake.received.reports).toHaveLength(0);
  });
});

describe('Komari client: errors', () => {
  it('401 is KOMARI_AUTH, naming the endpoint and status but not the token', async () => {
    const err = await failure(() => client.report(`${TOKEN}x`, report()));
    expect(err.code).toBe('KOMARI_AUTH');
    expect(err.status).toBe(401);
    expect(err.message).toBe('Komari POST /api/clients/report: HTTP 401: not authorised: Unauthorized.');
    expect(err.body).toBe('{"status":"error","message":"Unauthorized."}');
    expectNoSecretsLogged();
  });

  it('403 from register is KOMARI_AUTH without the key', async () => {
    const err = await failure(() => client.register(`${KEY}-wrong`, 'gw'));
    expect(err.code).toBe('KOMARI_AUTH');
    expect(err.status).toBe(403);
    expect(err.message).not.toContain(KEY);
    expectNoSecretsLogged();
  });

  it('400 (a fraction in an integer field) is KOMARI_REJECTED with the raw body', async () => {
    const bad = { ...report(), uptime: 86400.5 };
    const err = await failure(() => client.report(TOKEN, bad));
    expect(err.code).toBe('KOMARI_REJECTED');
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(400);
    expect(err.body).toBe('{"error":"Invalid request body"}');
  });

  it('500 with a validation message is KOMARI_REJECTED', async () => {
    const bad = { ...report(), cpu: { usage: 101 } };
    const err = await failure(() => client.report(TOKEN, bad));
    expect(err.code).toBe('KOMARI_REJECTED');
    expect(err.status).toBe(500);
    expect(err.body).toBe('{"error":"CPU.Usage must be between 0 and 100"}');
    expect(err.message).toContain('CPU.Usage must be between 0 and 100');
  });

  it('a basic-info 500 (update failed, or an empty body on 1.1.8) is KOMARI_REJECTED', async () => {
    const withUnknown = { ...toKomariBasicInfo(routerInfo(), '0.1.0'), model: 'x' };
    expect((await failure(() => client.uploadBasicInfo(TOKEN, withUnknown))).code).toBe('KOMARI_REJECTED');
    await tearDown();
    await setUp('1.1.8');
    const { mem_total: _m, ...missing } = toKomariBasicInfo(routerInfo(), '0.1.0');
    const err = await failure(() => client.uploadBasicInfo(TOKEN, missing as never));
    expect(err).toMatchObject({ code: 'KOMARI_REJECTED', status: 500, body: '' });
  });

  it('other 5xx and a full queue are KOMARI_TRANSIENT', async () => {
    fake.fault('report', 500, { times: 1 });
    const queue = await failure(() => client.report(TOKEN, report()));
    expect(queue).toMatchObject({ code: 'KOMARI_TRANSIENT', status: 500, body: '{"error":"metric report batch queue is full"}' });
    expect(queue.retryable).toBe(true);
    fake.fault('report', 502, { body: '<html>Bad Gateway</html>', times: 1 });
    expect(await failure(() => client.report(TOKEN, report()))).toMatchObject({ code: 'KOMARI_TRANSIENT', status: 502 });
    fake.fault('pingTasks', 503, { times: 1 });
    expect((await failure(() => client.getPingTasks(TOKEN))).code).toBe('KOMARI_TRANSIENT');
  });

  it('a connection reset is KOMARI_TRANSIENT', async () => {
    fake.fault('report', 'reset', { times: 1 });
    const err = await failure(() => client.report(TOKEN, report()));
    expect(err.code).toBe('KOMARI_TRANSIENT');
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/^Komari POST \/api\/clients\/report: /);
  });

  it('no reply within the timeout is KOMARI_TRANSIENT', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fake.fault('report', 'timeout');
    const pending = failure(() => client.report(TOKEN, report()));
    await fake.nextHang();
    await vi.advanceTimersByTimeAsync(2000);
    const err = await pending;
    expect(err.code).toBe('KOMARI_TRANSIENT');
    expect(err.message).toBe('Komari POST /api/clients/report: no reply within 2000 ms');
  });

  it('an aborted request is KOMARI_TRANSIENT and says so', async () => {
    fake.fault('report', 'timeout');
    const controller = new AbortController();
    const pending = failure(() => client.report(TOKEN, report(), controller.signal));
    await fake.nextHang();
    controller.abort();
    expect((await pending).message).toBe('Komari POST /api/clients/report: aborted');
  });

  it('truncates a long reply body and redacts a token the server echoed', async () => {
    fake.fault('report', 500, { body: `{"error":"token ${TOKEN} rejected ${'x'.repeat(2000)}"}`, times: 1 });
    const err = await failure(() => client.report(TOKEN, report()));
    expect(err.body).toContain('[redacted]');
    expect((err.body ?? '').length).toBeLessThanOrEqual(501);
    expectNoSecretsLogged();
  });

  it('a 404 (no such endpoint: wrong url or Komari older than 1.1.8) is KOMARI_REJECTED', async () => {
    fake.fault('pingTasks', 404, { body: '404 page not found', times: 1 });
    const err = await failure(() => client.getPingTasks(TOKEN));
    expect(err.code).toBe('KOMARI_REJECTED');
    expect(err.message).toContain('1.1.8');
  });
});
