import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TikprobeError } from '../../src/errors.js';
import { createStateFlusher, createStateStore, type RouterState } from '../../src/state/store.js';
import { bufferLogger } from '../support/log-buffer.js';
import { tempDir } from './support/temp-dir.js';

function state(total: number): RouterState {
  return {
    version: 1,
    traffic: { interfaces: {}, totalUpBytes: BigInt(total), totalDownBytes: BigInt(total), lastAtMs: 0, lastUptimeS: 0, periodStart: '2024-05-01' },
  };
}

/** Records each write (one per document) with its time and routers; can fail. */
function fakeStore() {
  const writes: Array<{ at: number; routers: Record<string, number> }> = [];
  let failWith: string | undefined;
  return {
    writes,
    fail(errno: string | undefined) {
      failWith = errno;
    },
    async saveMany(states: ReadonlyMap<string, RouterState>): Promise<void> {
      await Promise.resolve();
      if (failWith) throw new TikprobeError('STATE_IO', `cannot write state file /x/routers.state: ${failWith}`, { cause: Object.assign(new Error(failWith), { code: failWith }) });
      writes.push({ at: Date.now(), routers: Object.fromEntries([...states].map(([k, v]) => [k, Number(v.traffic?.totalUpBytes)])) });
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createStateFlusher', () => {
  it('writes ordinary marks of every router as one document once per interval', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    for (let t = 0; t < 120; t += 5) {
      for (let r = 0; r < 50; r++) flusher.mark(`r${r}`, state(t));
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(store.writes).toHaveLength(2);
    expect(Object.keys(store.writes[0]!.routers)).toHaveLength(50);
  });

  it('writes a shape change within urgentMs, and a burst of them in one write', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000, urgentMs: 1_000 });
    for (let r = 0; r < 500; r++) flusher.mark(`r${r}`, state(0), true);
    await vi.advanceTimersByTimeAsync(999);
    expect(store.writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.writes).toHaveLength(1);
    expect(Object.keys(store.writes[0]!.routers)).toHaveLength(500);
    flusher.mark('r1', state(5));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(store.writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(store.writes).toHaveLength(2);
  });

  it('costs 60 document writes an hour for 5 000 routers polled every 5 s', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    for (let t = 0; t < 3_600_000; t += 5_000) {
      for (let r = 0; r < 5_000; r += 250) flusher.mark(`r${r}`, state(t));
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(store.writes.length).toBe(60);
    expect(flusher.writes()).toBe(60);
  });

  it('keeps states through a failing write, says it once per errno, and writes them when the fault is gone', async () => {
    const store = fakeStore();
    const log = bufferLogger();
    const flusher = createStateFlusher({ store, intervalMs: 60_000, logger: log.logger });
    store.fail('ENOSPC');
    flusher.mark('r1', state(1));
    await vi.advanceTimersByTimeAsync(60_000);
    flusher.mark('r2', state(2));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(flusher.pending()).toBe(2);
    const warnings = log.lines().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ errno: 'ENOSPC' });
    store.fail(undefined);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.writes.at(-1)?.routers).toEqual({ r1: 1, r2: 2 });
    expect(log.text()).toContain('state written again');
  });

  it('rejects flush() with STATE_IO when the write fails, and keeps a newer mark over the failed one', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store });
    store.fail('EROFS');
    flusher.mark('r1', state(1));
    const pass = flusher.flush();
    flusher.mark('r1', state(2));
    await expect(pass).rejects.toMatchObject({ code: 'STATE_IO' });
    store.fail(undefined);
    await flusher.flush();
    expect(store.writes.at(-1)?.routers).toEqual({ r1: 2 });
  });

  it('saveNow writes at once with every dirty router, and stop() cancels the timer', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store });
    flusher.mark('a', state(1));
    await flusher.saveNow('b', state(2));
    expect(store.writes).toEqual([{ at: expect.any(Number), routers: { a: 1, b: 2 } }]);
    flusher.mark('a', state(3));
    flusher.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(store.writes).toHaveLength(1);
    await flusher.flush();
    expect(store.writes).toHaveLength(2);
  });

  it('puts dirty routers on disk through a real store', async () => {
    vi.useRealTimers();
    const { dir, cleanup } = await tempDir();
    try {
      const store = createStateStore(dir);
      const flusher = createStateFlusher({ store });
      flusher.mark('r1', state(7));
      await flusher.flush();
      expect((await createStateStore(dir).load('r1'))?.traffic?.totalUpBytes).toBe(7n);
      flusher.stop();
    } finally {
      await cleanup();
    }
  });
});

describe('a flush during a write', () => {
  it('resolves only once the write already in flight is on disk (shutdown must not exit before it)', async () => {
    let release: () => void = () => undefined;
    const done: string[] = [];
    const store = {
      async saveMany(states: ReadonlyMap<string, RouterState>): Promise<void> {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        done.push([...states.keys()].join(','));
      },
    };
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    flusher.mark('r1', state(1), true);
    const first = flusher.flush();
    // Nothing is dirty any more: the second flush has no batch of its own, yet must wait.
    let secondDone = false;
    const second = flusher.flush().then(() => {
      secondDone = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(secondDone).toBe(false);
    release();
    await first;
    await second;
    expect(done).toEqual(['r1']);
    expect(secondDone).toBe(true);
    flusher.stop?.();
  });
});
