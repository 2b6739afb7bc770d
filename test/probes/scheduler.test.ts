import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KomariError, RouterError } from '../../src/errors.js';
import { probeTimeoutMs, routerPingTimeoutMs } from '../../src/probes/kinds.js';
import { formatRfc3339 } from '../../src/probes/rfc3339.js';
import { resolveAfter, hang, harness, target, task } from './support/scheduler-harness.js';
import type { CancelSignal } from '../../src/time/cancel.js';

const T0 = Date.UTC(2026, 7, 17, 8, 0, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('PingScheduler timing', () => {
  it('runs each task on its own interval, starting at its random offset', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 10), task(2, 'icmp', '192.0.2.2', 25)], { random: () => 0.5 });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.timesOf(T0, target('192.0.2.1'))).toEqual([5000, 15_000, 25_000, 35_000, 45_000, 55_000]);
    expect(h.timesOf(T0, target('192.0.2.2'))).toEqual([12_500, 37_500]);
    await h.scheduler.stop();
  });

  it('fetches the list at start and every pingTasksIntervalMs', async () => {
    const h = harness([]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(4);
    await h.scheduler.stop();
  });

  it('with firstFetchSpreadMs, the first fetch waits its random share, then keeps the interval from there', async () => {
    const h = harness([], { random: () => 0.25, firstFetchSpreadMs: 60_000 });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(14_999);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(2);
    await h.scheduler.stop();
  });

  it('a stop before the spread first fetch leaves nothing behind', async () => {
    const h = harness([], { random: () => 0.5, firstFetchSpreadMs: 60_000 });
    h.scheduler.start();
    await h.scheduler.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.source.fetchTasks).not.toHaveBeenCalled();
  });

  it('applies a changed target, type or interval at the next fetch, not before', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 10)]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    h.setTasks([task(1, 'tcp', '192.0.2.9:443', 5)]);
    await vi.advanceTimersByTimeAsync(29_999); // still before the fetch at 60 s
    expect(h.calls.every((c) => c.probe.kind === 'router-icmp')).toBe(true);
    await vi.advanceTimersByTimeAsync(20_001); // to 80 s
    expect(h.timesOf(T0, target('192.0.2.1'))).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(h.timesOf(T0, target('192.0.2.9'))).toEqual([60_000, 65_000, 70_000, 75_000, 80_000]);
    expect(h.calls.at(-1)?.probe).toEqual({ kind: 'tcp', address: { host: '192.0.2.9', port: 443 } });
    await h.scheduler.stop();
  });

  it('stops a removed task and starts an added one at the next fetch', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 10), task(2, 'icmp', '192.0.2.2', 10)]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(h.scheduler.lastResults().map((r) => r.taskId)).toEqual([1, 2]);
    h.setTasks([task(2, 'icmp', '192.0.2.2', 10), task(3, 'http', '192.0.2.3/health', 10)]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.timesOf(T0, target('192.0.2.1'))).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(h.timesOf(T0, target('192.0.2.2'))).toHaveLength(13);
    expect(h.timesOf(T0, target('192.0.2.3'))[0]).toBe(60_000);
    expect(h.scheduler.lastResults().map((r) => r.taskId)).toEqual([2, 3]);
    await h.scheduler.stop();
  });

  it('keeps an unchanged task on its grid across fetches, and picks up a new name without a restart', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 7, 'old')]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(59_000);
    h.setTasks([task(1, 'icmp', '192.0.2.1', 7, 'new')]);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(h.timesOf(T0, target('192.0.2.1'))).toEqual([0, 7000, 14_000, 21_000, 28_000, 35_000, 42_000, 49_000, 56_000, 63_000, 70_000]);
    expect(h.scheduler.lastResults()[0]?.name).toBe('new');
    await h.scheduler.stop();
  });

  it('skips a slot while the previous run of the task is still going, and invents nothing for it', async () => {
    const h = harness([task(1, 'tcp', '192.0.2.1:80', 1)], { script: () => resolveAfter(2500, 5) });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(h.timesOf(T0, target('192.0.2.1'))).toEqual([0, 3000, 6000]);
    expect(h.sent).toHaveLength(2);
    await h.scheduler.stop();
  });

  it('passes a timeout below the interval: bridge probes min(0.8 × interval, 10 s), router pings count × 200 ms + 3 s', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 60), task(2, 'tcp', '192.0.2.2', 5), task(3, 'http', '192.0.2.3', 60)]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    const timeouts = Object.fromEntries(h.calls.map((c) => [c.probe.kind, c.timeoutMs]));
    expect(timeouts).toEqual({ 'router-icmp': routerPingTimeoutMs(3, 60), tcp: probeTimeoutMs(5), http: 10_000 });
    expect(timeouts['router-icmp']).toBe(3600);
    expect(timeouts.tcp).toBe(4000);
    await h.scheduler.stop();
  });
});

describe('PingScheduler task list', () => {
  it('skips tasks with interval ≤ 0, unknown types or bad targets, logging each task id once', async () => {
    const h = harness([
      task(1, 'icmp', '192.0.2.1', 0),
      task(2, 'udp', '192.0.2.2', 10),
      task(3, 'icmp', '192.0.2.3', -5),
      task(4, 'tcp', 'host:99999', 10),
      task(5, 'icmp', '192.0.2.5', 10),
    ]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(180_000);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(4);
    expect(new Set(h.calls.map((c) => c.probe.kind === 'router-icmp' && c.probe.host))).toEqual(new Set(['192.0.2.5']));
    const skipped = h.log.at('warn').filter((l) => l.msg === 'ping task skipped');
    expect(skipped.map((l) => l.taskId)).toEqual([1, 2, 3, 4]);
    expect(skipped[1]?.reason).toContain('unknown type "udp"');
    await h.scheduler.stop();
  });

  it('treats a null list (Komari for a node without tasks) as empty', async () => {
    const h = harness(null);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.calls).toEqual([]);
    expect(h.log.at('warn')).toEqual([]);
    await h.scheduler.stop();
  });

  it('keeps the last list when a fetch fails: logged once, repeats at debug, recovery at info', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 30)]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    h.failFetch(new KomariError('KOMARI_TRANSIENT', 'Komari answered 502'));
    await vi.advanceTimersByTimeAsync(180_000);
    expect(h.timesOf(T0, target('192.0.2.1'))).toEqual([0, 30_000, 60_000, 90_000, 120_000, 150_000, 180_000]);
    const failures = h.lines('ping task list could not be fetched; keeping the last list');
    expect(failures.map((l) => l.level)).toEqual([40, 20, 20]);
    h.failFetch(undefined);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.log.at('info').some((l) => l.msg === 'ping task list fetched again')).toBe(true);
    await h.scheduler.stop();
  });

  it('opens the shared ICMP socket when the first bridge ICMP task appears', async () => {
    const h = harness([task(1, 'tcp', '192.0.2.1', 30)], { via: 'bridge' });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(h.bridgeIcmp.available).not.toHaveBeenCalled();
    h.setTasks([task(1, 'tcp', '192.0.2.1', 30), task(2, 'icmp', '192.0.2.2', 30)]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.bridgeIcmp.available).toHaveBeenCalled();
    await h.scheduler.stop();
  });
});

describe('PingScheduler results', () => {
  it('sends each result with its value in whole ms (1 for sub-ms, -1 for loss) and its task type', async () => {
    const values: Record<string, number | undefined> = { '192.0.2.1': 12.4, '192.0.2.2': 0.3, '192.0.2.3': undefined };
    const h = harness(
      [task(1, 'icmp', '192.0.2.1', 10), task(2, 'ICMP', '192.0.2.2', 10), task(3, 'tcp', '192.0.2.3:22', 10)],
      { script: async (p) => values['host' in p ? p.host : 'address' in p ? p.address.host : ''] },
    );
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(h.sent.map(({ task_id, value, ping_type }) => ({ task_id, value, ping_type })).sort((a, b) => a.task_id - b.task_id)).toEqual([
      { task_id: 1, value: 12, ping_type: 'icmp' },
      { task_id: 2, value: 1, ping_type: 'ICMP' },
      { task_id: 3, value: -1, ping_type: 'tcp' },
    ]);
    expect(h.scheduler.lastResults().map((r) => [r.taskId, r.value, r.delivery])).toEqual([
      [1, 12, 'sent'],
      [2, 1, 'sent'],
      [3, -1, 'sent'],
    ]);
    await h.scheduler.stop();
  });

  it('stamps finished_at with the moment the probe finished, in the host offset', async () => {
    const h = harness([task(1, 'tcp', '192.0.2.1:80', 60), task(2, 'tcp', '192.0.2.2:80', 60)], {
      script: (p) => resolveAfter('address' in p && p.address.host === '192.0.2.1' ? 1234 : 2345, 7),
    });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(5000);
    const byTask = Object.fromEntries(h.sent.map((r) => [r.task_id, r.finished_at]));
    const local = (ms: number) => formatRfc3339(ms, -new Date(ms).getTimezoneOffset());
    expect(byTask).toEqual({ 1: local(T0 + 1234), 2: local(T0 + 2345) });
    expect(Date.parse(byTask[1] as string)).toBe(T0 + 1234);
    await h.scheduler.stop();
  });

  it('retries a failed send with backoff, keeping the original finished_at', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 60)]);
    h.failSends(2);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.attempts.map((a) => a.at - T0)).toEqual([0, 1000, 3000]);
    const stamps = new Set(h.attempts.map((a) => a.result.finished_at));
    expect(stamps.size).toBe(1);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.finished_at).toBe(h.attempts[0]?.result.finished_at);
    await h.scheduler.stop();
  });

  it('drops a result after 3 retries, warns once for a run of failures, and invents nothing', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 30)]);
    h.failSends(1000);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(75_000);
    // Runs at 0, 30 s and 60 s; each tried 4 times (0, +1 s, +3 s, +7 s).
    expect(h.attempts.map((a) => a.at - T0)).toEqual([0, 1000, 3000, 7000, 30_000, 31_000, 33_000, 37_000, 60_000, 61_000, 63_000, 67_000]);
    expect(h.lines('ping result could not be sent; dropped').map((l) => l.level)).toEqual([40, 20, 20]);
    expect(h.scheduler.lastResults()[0]?.delivery).toBe('failed');
    h.failSends(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.sent).toHaveLength(1);
    expect(h.log.at('info').some((l) => l.msg === 'ping results are accepted again')).toBe(true);
    await h.scheduler.stop();
  });

  it('does not retry a result Komari refused as invalid', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 60)]);
    h.source.sendResult = vi.fn(async () => {
      throw new KomariError('KOMARI_REJECTED', 'Komari refused the result: 400');
    });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.source.sendResult).toHaveBeenCalledTimes(1);
    await h.scheduler.stop();
  });
});

describe('PingScheduler bounds', () => {
  it('keeps at most one router-side ping in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const h = harness([task(1, 'icmp', '192.0.2.1', 10), task(2, 'icmp', '192.0.2.2', 10), task(3, 'icmp', '192.0.2.3', 10)], {
      script: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await resolveAfter(600, undefined);
        inFlight -= 1;
        return 3;
      },
    });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(peak).toBe(1);
    expect(h.calls.map((c) => c.at - T0)).toEqual([0, 600, 1200]);
    expect(h.sent).toHaveLength(3);
    await h.scheduler.stop();
  });

  it('keeps at most four bridge-side probes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const tasks = Array.from({ length: 7 }, (_, i) => task(i + 1, 'tcp', `192.0.2.${i + 1}:80`, 10));
    const h = harness(tasks, {
      script: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await resolveAfter(1000, undefined);
        inFlight -= 1;
        return 2;
      },
    });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(peak).toBe(4);
    expect(h.sent).toHaveLength(7);
    await h.scheduler.stop();
  });

  it('skips router-side probes while the router is down, with no -1 flood; bridge-side ones go on', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 10), task(2, 'tcp', '192.0.2.2:443', 10)]);
    h.setRouterUp(false);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.calls.map((c) => c.probe.kind)).toEqual(['tcp', 'tcp', 'tcp', 'tcp']);
    expect(h.sent.map((r) => r.task_id)).toEqual([2, 2, 2, 2]);
    h.setRouterUp(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.sent.filter((r) => r.task_id === 1)).toHaveLength(1);
    await h.scheduler.stop();
  });

  it('skips bridge ICMP tasks when raw sockets are unavailable; TCP and HTTP still run', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 10), task(2, 'tcp', '192.0.2.2:443', 10), task(3, 'http', '192.0.2.3', 10)], {
      via: 'bridge',
    });
    vi.mocked(h.bridgeIcmp.available).mockReturnValue(false);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(h.calls.map((c) => c.probe.kind).sort()).toEqual(['http', 'http', 'http', 'tcp', 'tcp', 'tcp']);
    expect(h.sent.some((r) => r.task_id === 1)).toBe(false);
    await h.scheduler.stop();
  });
});

describe('PingScheduler and the router user without the test policy', () => {
  const policyError = () => new RouterError('ROUTER_POLICY', 'router answered 500: not enough permissions (9)', { status: 500, detail: 'not enough permissions (9)' });

  it('logs ONE error naming the test policy, sends no results, and retries every 10 min', async () => {
    let allowed = false;
    const h = harness([task(1, 'icmp', '192.0.2.1', 10), task(2, 'icmp', '192.0.2.2', 10), task(3, 'tcp', '192.0.2.3:80', 10)], {
      script: async (p) => {
        if (p.kind === 'router-icmp' && !allowed) throw policyError();
        return 4;
      },
    });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    const routerCalls = () => h.calls.filter((c) => c.probe.kind === 'router-icmp').map((c) => c.at - T0);
    expect(routerCalls()).toEqual([0]);
    const errors = h.log.at('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain('lacks the "test" policy');
    expect(errors[0]?.msg).toContain('gw1');
    expect(errors[0]?.code).toBe('ROUTER_POLICY');
    expect(h.sent.filter((r) => r.task_id !== 3)).toEqual([]);
    expect(h.sent.filter((r) => r.task_id === 3).length).toBe(31); // bridge-side TCP is unaffected (0 s … 300 s)

    await vi.advanceTimersByTimeAsync(5 * 60_000 + 10_000); // past 10 min: one retry, still refused
    expect(routerCalls()).toEqual([0, 600_000]);
    expect(h.log.at('error')).toHaveLength(1);

    allowed = true;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(routerCalls()[2]).toBe(1_200_000);
    expect(h.log.at('info').some((l) => String(l.msg).includes('router-side ping works again'))).toBe(true);
    const after20 = h.sent.filter((r) => r.task_id !== 3);
    expect(after20.length).toBeGreaterThanOrEqual(2);
    expect(after20.every((r) => r.value === 4)).toBe(true);
    await h.scheduler.stop();
  });

  it('sends nothing for a router-side ping whose REST request failed otherwise (timeout), warning once', async () => {
    const h = harness([task(1, 'icmp', '192.0.2.1', 10)], {
      script: async () => {
        throw new RouterError('ROUTER_TIMEOUT', 'no reply to ping');
      },
    });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.calls).toHaveLength(4);
    expect(h.sent).toEqual([]);
    expect(h.lines('router-side ping request failed; no result sent for this run').map((l) => l.level)).toEqual([40, 20, 20, 20]);
    await h.scheduler.stop();
  });
});

describe('PingScheduler stop', () => {
  it('aborts probes in flight, waits for them, leaves no timers and sends nothing more', async () => {
    const h = harness([task(1, 'tcp', '192.0.2.1:80', 10), task(2, 'icmp', '192.0.2.2', 10)], { script: (_p, o) => hang(o.signal) });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(h.calls).toHaveLength(2);
    await h.scheduler.stop();
    expect(h.calls.every((c) => c.signal.aborted)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.calls).toHaveLength(2);
    expect(h.source.fetchTasks).toHaveBeenCalledTimes(1);
    expect(h.sent).toEqual([]);
  });

  it('stops during the first fetch', async () => {
    const h = harness([task(1, 'tcp', '192.0.2.1:80', 10)]);
    h.source.fetchTasks = vi.fn((signal: CancelSignal) => hang(signal));
    h.scheduler.start();
    await h.scheduler.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(h.calls).toEqual([]);
  });

  it('aborts the removed task run in flight and drops its result', async () => {
    const h = harness([task(1, 'tcp', '192.0.2.1:80', 100)], { script: (_p, o) => hang(o.signal) });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    h.setTasks([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.calls[0]?.signal.aborted).toBe(true);
    expect(h.sent).toEqual([]);
    await h.scheduler.stop();
  });
});

describe('PingScheduler logs', () => {
  it('never writes credentials of an HTTP target, or error text carrying them, to the log', async () => {
    const h = harness([task(1, 'http', 'http://admin:hunter2@192.0.2.1/x', 10), task(2, 'http', 'ftp://admin:hunter2@192.0.2.1/', 10)], {
      script: async () => {
        throw new Error('unexpected failure');
      },
    });
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.log.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(h.log.lines)).not.toContain('hunter2');
    await h.scheduler.stop();
  });
});
