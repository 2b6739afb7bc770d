import { describe, expect, it } from 'vitest';
import { bodyMessage, classifyKomariReply } from '../../../src/integrations/komari/classify.js';
import { parsePingTasks } from '../../../src/integrations/komari/ping-tasks.js';
import { DoublingDelay, RepeatCounter } from '../../../src/time/repeats.js';

describe('classifyKomariReply', () => {
  it.each([
    // [endpoint, status, body, code]
    ['/api/clients/report', 401, '{"status":"error","message":"Unauthorized."}', 'KOMARI_AUTH'],
    ['/api/clients/report', 401, '{"status":"error","error":"invalid token"}', 'KOMARI_AUTH'],
    ['/api/clients/register', 403, '{"status":"error","message":"Invalid AutoDiscovery Key"}', 'KOMARI_AUTH'],
    ['/api/clients/report', 400, '{"error":"Invalid request body"}', 'KOMARI_REJECTED'],
    ['/api/clients/ping/tasks', 400, '{"error":"client_uuid not found"}', 'KOMARI_REJECTED'],
    ['/api/clients/report', 500, '{"error":"CPU.Usage must be between 0 and 100"}', 'KOMARI_REJECTED'],
    ['/api/clients/report', 500, '{"error":"Connections.TCP must be non-negative: -1"}', 'KOMARI_REJECTED'],
    ['/api/clients/report', 500, '{"error":"metric report batch queue is full"}', 'KOMARI_TRANSIENT'],
    ['/api/clients/report', 500, '{"status":"error","error":"failed to validate token"}', 'KOMARI_TRANSIENT'],
    ['/api/clients/ping/result', 500, '{"status":"error","message":"Failed to save ping result: disk I/O error"}', 'KOMARI_TRANSIENT'],
    ['/api/clients/register', 500, '{"status":"error","message":"Failed to create client: locked"}', 'KOMARI_TRANSIENT'],
    ['/api/clients/uploadBasicInfo', 500, '{"status":"error","error":{}}', 'KOMARI_REJECTED'],
    ['/api/clients/uploadBasicInfo', 500, '', 'KOMARI_REJECTED'],
    ['/api/clients/report', 500, '', 'KOMARI_TRANSIENT'],
    ['/api/clients/report', 502, '<html>Bad Gateway</html>', 'KOMARI_TRANSIENT'],
    ['/api/clients/report', 429, '', 'KOMARI_TRANSIENT'],
    ['/api/clients/ping/tasks', 404, '404 page not found', 'KOMARI_REJECTED'],
  ])('%s %i %s → %s', (endpoint, status, body, code) => {
    expect(classifyKomariReply(endpoint, status, body).code).toBe(code);
  });

  it('reads the message from every body shape Komari uses', () => {
    expect(bodyMessage('{"error":"a"}')).toBe('a');
    expect(bodyMessage('{"status":"error","error":"b"}')).toBe('b');
    expect(bodyMessage('{"status":"error","message":"c"}')).toBe('c');
    expect(bodyMessage('{"status":"error","error":{}}')).toBeUndefined();
    expect(bodyMessage('not json')).toBeUndefined();
    expect(bodyMessage('null')).toBeUndefined();
  });
});

describe('parsePingTasks', () => {
  it('keeps valid tasks, strips unknown keys, drops bad entries with a reason', () => {
    const r = parsePingTasks([
      { id: 1, name: 'a', type: 'icmp', target: 'x', interval: 0, clients: ['u'] },
      { id: 0, name: 'zero id', type: 'icmp', target: 'x', interval: 60 },
      'nonsense',
      { id: 2, name: 'b', type: 'tcp', target: 'y:1', interval: 1.5 },
    ]);
    expect(r?.tasks).toEqual([{ id: 1, name: 'a', type: 'icmp', target: 'x', interval: 0 }]);
    expect(r?.dropped.map((d) => [d.index, d.id])).toEqual([
      [1, 0],
      [2, undefined],
      [3, 2],
    ]);
  });

  it('treats null as an empty list and anything but an array as unusable', () => {
    expect(parsePingTasks(null)).toEqual({ tasks: [], dropped: [] });
    expect(parsePingTasks({ data: [] })).toBeUndefined();
  });
});

describe('retry helpers', () => {
  it('DoublingDelay doubles up to its cap and resets', () => {
    const d = new DoublingDelay(60_000, 600_000);
    expect([d.next(), d.next(), d.next(), d.next(), d.next(), d.next()]).toEqual([60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
    d.reset();
    expect(d.next()).toBe(60_000);
  });

  it('RepeatCounter counts the same failure in a row and restarts on a different one', () => {
    const c = new RepeatCounter();
    expect([c.failure('a'), c.failure('a'), c.failure('b'), c.failure('b')]).toEqual([1, 2, 1, 2]);
    expect(c.failing).toBe(true);
    expect(c.success()).toBe(4);
    expect(c.success()).toBe(0);
    expect(c.failing).toBe(false);
  });
});
