import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoTasks } from '@tikprobe/sim/demo-tasks.js';
import { type KomariReceiver, startKomariReceiver } from '@tikprobe/sim/komari-receiver.js';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUv';
const VALID_REPORT =
  '{"cpu":{"usage":7},"ram":{"total":1073741824,"used":268435456},"swap":{"total":0,"used":0},' +
  '"load":{"load1":0,"load5":0,"load15":0},"disk":{"total":134217728,"used":33554432},' +
  '"network":{"up":125000,"down":2500000,"totalUp":981234567,"totalDown":12345678901},' +
  '"connections":{"tcp":123,"udp":45},"uptime":86400,"process":0,"message":""}';

let receiver: KomariReceiver;
let clock = 1000;

beforeEach(async () => {
  clock = 1000;
  receiver = await startKomariReceiver({ tokens: new Map([[TOKEN, 'sim-0001']]), tasks: demoTasks, now: () => clock });
});
afterEach(async () => {
  await receiver.close();
});

async function post(path: string, body: string, token = TOKEN) {
  const res = await request(`${receiver.url}${path}?token=${token}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('built-in Komari receiver', () => {
  it('accepts a valid report and records when it arrived', async () => {
    const r = await post('/api/clients/report', VALID_REPORT);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: 'success' });
    clock = 6000;
    await post('/api/clients/report', VALID_REPORT);
    const node = receiver.node('sim-0001');
    expect(node?.reportTimes).toEqual([1000, 6000]);
    expect(node?.rejected).toBe(0);
  });

  it('counts in its summary, when asked with a beat, the nodes whose last three reports came one interval apart', async () => {
    const summary = async (query = '') => {
      const res = await request(`${receiver.url}/sim/summary${query}`);
      return (await res.body.json()) as Record<string, number>;
    };
    // A fleet catching up after its start: gaps of 3 s, then two on the 5 s beat (± 1 s).
    for (const at of [1000, 4000, 7000]) {
      clock = at;
      await post('/api/clients/report', VALID_REPORT);
    }
    expect(await summary('?interval=5000&tolerance=1000')).toEqual({ nodes: 1, reporting: 1, reports: 3, rejected: 0, onBeat: 0 });
    clock = 12_900;
    await post('/api/clients/report', VALID_REPORT);
    expect((await summary('?interval=5000&tolerance=1000')).onBeat).toBe(0);
    clock = 17_100;
    await post('/api/clients/report', VALID_REPORT);
    expect((await summary('?interval=5000&tolerance=1000')).onBeat).toBe(1);
    expect((await summary('?interval=5000&tolerance=100')).onBeat).toBe(0);
    // Without a beat the summary is what it always was.
    expect(await summary()).toEqual({ nodes: 1, reporting: 1, reports: 5, rejected: 0 });
  });

  it('answers 400 to a fraction in an integer field, as the rules require, and does not count it', async () => {
    const r = await post('/api/clients/report', VALID_REPORT.replace('"tcp":123', '"tcp":12.5'));
    expect(r.status).toBe(400);
    const node = receiver.node('sim-0001');
    expect(node?.reportTimes).toEqual([]);
    expect(node?.rejected).toBe(1);
    expect(node?.lastRejection?.status).toBe(400);
  });

  it('answers 401 to an unknown or missing token', async () => {
    const r = await post('/api/clients/report', VALID_REPORT, 'WrongWrongWrongWrong12');
    expect(r.status).toBe(401);
    const none = await request(`${receiver.url}/api/clients/report`, { method: 'POST', body: VALID_REPORT });
    expect(none.statusCode).toBe(401);
    await none.body.dump();
  });

  it('hands out one ICMP, one TCP and one HTTP task on loopback, and takes their results', async () => {
    const res = await request(`${receiver.url}/api/clients/ping/tasks?token=${TOKEN}`);
    const tasks = (await res.body.json()) as { id: number; type: string; target: string; interval: number; clients: string[] }[];
    expect(tasks.map((t) => t.type)).toEqual(['icmp', 'tcp', 'http']);
    const port = new URL(receiver.url).port;
    expect(tasks[1]?.target).toBe(`127.0.0.1:${port}`);
    expect(tasks[2]?.target).toBe(`${receiver.url}/ping`);
    expect(tasks.every((t) => t.clients.length === 1 && t.interval > 0)).toBe(true);
    // The HTTP task's target answers like Komari's own /ping.
    const pong = await request(`${receiver.url}/ping`);
    expect(await pong.body.text()).toBe('pong');

    const ok = await post('/api/clients/ping/result', '{"task_id":3,"value":12,"ping_type":"http","finished_at":"2026-08-17T10:00:05.123+02:00"}');
    expect(ok.status).toBe(200);
    const bad = await post('/api/clients/ping/result', '{"task_id":3,"value":12.5,"ping_type":"http","finished_at":"2026-08-17T10:00:05.123+02:00"}');
    expect(bad.status).toBe(400);
    expect(receiver.node('sim-0001')?.pingResults).toEqual([{ taskId: 3, value: 12, at: 1000 }]);
  });

  it('accepts basic info and serves what arrived at /sim/nodes', async () => {
    const info =
      '{"cpu_name":"ARM64 hAP ax^2","cpu_cores":4,"arch":"arm64","os":"RouterOS 7.20.5","kernel_version":"7.20.5","gpu_name":"",' +
      '"virtualization":"None","ipv4":"203.0.113.7","ipv6":"","mem_total":1073741824,"swap_total":0,"disk_total":134217728,"version":"tikprobe 0.1.0"}';
    const r = await post('/api/clients/uploadBasicInfo', info);
    expect(r.status).toBe(200);
    const res = await request(`${receiver.url}/sim/nodes`);
    const nodes = (await res.body.json()) as { name: string; basicInfoCount: number }[];
    expect(nodes).toEqual([expect.objectContaining({ name: 'sim-0001', basicInfoCount: 1 })]);
  });
});
