import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KomariError } from '../../../src/errors.js';
import { createKomariClient, type KomariClient } from '../../../src/integrations/komari/client.js';
import { toKomariReport } from '../../../src/integrations/komari/payload.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../src/integrations/komari/retry-after.js';
import { createKomariFake, type KomariFake } from '../../fakes/komari.js';
import { type MswServer, serveMsw } from '../../fakes/serve-msw.js';
import { routerSample } from './samples.js';

const TOKEN = 'retry-after-token';
let fake: KomariFake;
let server: MswServer;
let client: KomariClient;
let now = 1_760_000_000_000;

beforeEach(async () => {
  fake = createKomariFake({ tokens: { [TOKEN]: 'home-gw' }, version: 'head' });
  server = await serveMsw(fake.handlers);
  client = createKomariClient({ baseUrl: server.url, timeoutMs: 2000, now: () => now });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const report = () => client.report(TOKEN, toKomariReport(routerSample()));
const rejection = (p: Promise<unknown>) => p.then(() => expect.fail('expected a KomariError'), (e: unknown) => e as KomariError);

describe('Retry-After from Komari', () => {
  it('429 with Retry-After: 120 holds every request to that Komari for 120 s, reports and ping results alike', async () => {
    fake.fault('report', 429, { times: 1, headers: { 'retry-after': '120' } });
    const first = await rejection(report());
    expect(first).toMatchObject({ code: 'KOMARI_TRANSIENT', status: 429, retryAfterMs: 120_000 });
    expect(first.message).toMatch(/asked to wait 120 s \(Retry-After\)/);
    const arrived = () => fake.received.reports.length + fake.received.pingResults.length;
    const before = arrived();
    now += 60_000;
    const held = await rejection(report());
    expect(held).toMatchObject({ code: 'KOMARI_TRANSIENT', retryAfterMs: 60_000 });
    expect(held.message).toMatch(/not sent: Komari asked to wait/);
    await rejection(client.postPingResult(TOKEN, { task_id: 1, value: 5, ping_type: 'icmp', finished_at: '2026-01-01T00:00:00Z' }));
    expect(arrived()).toBe(before);
    now += 60_000;
    await report();
    expect(fake.received.reports.length).toBe(1);
  });

  it('503 with an HTTP date is honoured too; a 500 with Retry-After is not a hold', async () => {
    fake.fault('report', 503, { times: 1, headers: { 'retry-after': new Date(now + 30_000).toUTCString() } });
    expect(await rejection(report())).toMatchObject({ status: 503, retryAfterMs: 30_000 });
    now += 30_000;
    fake.fault('report', 500, { times: 1, headers: { 'retry-after': '600' } });
    expect((await rejection(report())).retryAfterMs).toBeUndefined();
    await report();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and dates, bounds them to 1 s … 1 h, and ignores garbage', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('0', 0)).toBe(1000);
    expect(parseRetryAfter('999999', 0)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 0)).toBe(10_000);
    expect(parseRetryAfter(['7', '9'], 0)).toBe(7000);
    for (const bad of [undefined, '', '-5', '1.5', 'soon', '12abc']) expect(parseRetryAfter(bad, 0), String(bad)).toBeUndefined();
  });
});
