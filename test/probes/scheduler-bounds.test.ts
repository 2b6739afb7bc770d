import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_POSTS_IN_FLIGHT, MAX_TASKS_PER_ROUTER } from '../../src/integrations/komari/ping-scheduler.js';
import type { PingTaskSource } from '../../src/integrations/komari/task-source.js';
import { harness, target, task } from './support/scheduler-harness.js';

const T0 = Date.UTC(2026, 7, 17, 8, 0, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

const hostile = (n: number, interval = 1) => Array.from({ length: n }, (_, i) => task(i + 1, 'tcp', `192.0.2.${(i % 250) + 1}:${1000 + i}`, interval));

describe('PingScheduler bounds against a hostile task list', () => {
  it('runs at most 50 of 5 000 tasks, says so once, and stays bounded across refetches', async () => {
    const h = harness(hostile(5000));
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(180_000); // three refetches of the same list
    const ids = new Set(h.sent.map((r) => r.task_id));
    expect(ids.size).toBe(MAX_TASKS_PER_ROUTER);
    expect(Math.max(...ids)).toBe(MAX_TASKS_PER_ROUTER);
    expect(h.scheduler.lastResults()).toHaveLength(MAX_TASKS_PER_ROUTER);
    const capLines = h.log.lines.filter((l) => l.level === 40 && String(l.msg).includes('ping tasks: only the first 50 run'));
    expect(capLines).toHaveLength(1);
    expect(capLines[0]).toMatchObject({ level: 40, tasks: 5000, cap: 50 });
    expect(String(capLines[0]!.msg)).toContain('5000');
    // Each task keeps its 1 s cadence (the random offset is 0).
    expect(h.sent.filter((r) => r.task_id === 7)).toHaveLength(181); // at 0 s, 1 s, …, 180 s
    await h.scheduler.stop();
  });

  it('raises an interval below 1 s to 1 s', async () => {
    const h = harness([task(1, 'tcp', '192.0.2.1:80', 0.05)]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.timesOf(T0, target('192.0.2.1'))).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    await h.scheduler.stop();
  });

  it('keeps at most 16 result posts in flight behind a Komari that never answers, and says so once', async () => {
    let pending = 0;
    let maxPending = 0;
    const source: PingTaskSource = {
      fetchTasks: async () => hostile(40),
      sendResult: (_result, signal) =>
        new Promise((_resolve, reject) => {
          pending++;
          maxPending = Math.max(maxPending, pending);
          signal?.addEventListener('abort', () => {
            pending--;
            reject(new Error('aborted'));
          });
        }),
    };
    const h = harness([], { source });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(maxPending).toBe(MAX_POSTS_IN_FLIGHT);
    expect(h.log.lines.filter((l) => l.level === 40 && String(l.msg).includes('result posts already in flight'))).toHaveLength(1);
    await h.scheduler.stop();
    expect(pending).toBe(0);
  });
});

describe('log volume under a hostile list', () => {
  it('stays small: no log line per dropped result or per refetch above debug', async () => {
    const source: PingTaskSource = {
      fetchTasks: async () => hostile(5000),
      sendResult: (_result, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    const h = harness([], { source });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(40_000);
    expect(h.log.lines.filter((l) => l.level >= 30).length).toBeLessThanOrEqual(3);
    expect(h.log.lines.length).toBeLessThan(50);
    await h.scheduler.stop();
  });
});
