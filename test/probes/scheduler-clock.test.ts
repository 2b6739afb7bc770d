/**
 * The ping scheduler on a manual clock: every timer it holds (task-list refresh, one per task,
 * a result post waiting to retry) is on the injected clock, and a stopped scheduler holds none.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { harness, target, task } from './support/scheduler-harness.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('PingScheduler on the injected clock', () => {
  it('holds one timer for the list refresh and one per task, one more for a post waiting to retry, and none once stopped', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const h = harness([task(1, 'icmp', '192.0.2.1', 10), task(2, 'tcp', '192.0.2.2:80', 5), task(3, 'http', '192.0.2.3', 30)], { clock });
    h.scheduler.start();
    await flush();
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(1);
    expect(clock.pending()).toBe(1 + 3);
    for (let s = 0; s < 10; s++) {
      clock.advance(1000);
      await flush();
    }
    expect(h.calls.filter((c) => target('192.0.2.2')(c.probe))).toHaveLength(3);
    expect(h.sent.filter((r) => r.task_id === 2)).toHaveLength(3); // at 0 s, 5 s, 10 s of the manual clock
    expect(h.sent.filter((r) => r.task_id === 2).map((r) => Date.parse(r.finished_at) - t0)).toEqual([0, 5000, 10_000]);
    expect(clock.pending()).toBe(1 + 3);

    h.failSends(1);
    clock.advance(5000);
    await flush();
    expect(clock.pending()).toBe(1 + 3 + 1); // the failed post's retry waits on the clock

    await h.scheduler.stop();
    expect(clock.pending()).toBe(0);
  });
});
