import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TikprobeError } from '../../src/errors.js';
import { createStateFlusher, createStateStore, type RouterState } from '../../src/state/store.js';
import { bufferLogger } from '../support/log-buffer.js';
import { ManualClock } from '../support/manual-clock.js';
import { tempDir } from './support/temp-dir.js';

function state(total: number): RouterState {
  return {
    version: 1,
    traffic: { interfaces: {}, totalUpBytes: total, totalDownBytes: total, lastAtMs: 0, lastUptimeS: 0, periodStart: '2024-05-01' },
  };
}

/** Records saves with their (fake) time; can fail a router or hold saves open. */
function fakeStore() {
  const saves: Array<{ router: string; total: number | undefined; at: number }> = [];
  const failing = new Set<string>();
  let inFlight = 0;
  let maxInFlight = 0;
  let holdMs = 0;
  return {
    saves,
    failing,
    holdEach(ms: number) {
      holdMs = ms;
    },
    maxInFlight: () => maxInFlight,
    async save(router: string, s: RouterState): Promise<void> {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
        if (failing.has(router)) throw new TikprobeError('STATE_IO', `cannot write state file /x/${router}.json: ENOSPC`);
        saves.push({ router, total: s.traffic?.totalUpBytes, at: Date.now() });
      } finally {
        inFlight--;
      }
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
  it('writes nothing when marked, then the newest state of each router once per interval', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    for (let t = 0; t < 12; t++) {
      flusher.mark('r1', state(t));
      flusher.mark('r2', state(100 + t));
      await vi.advanceTimersByTimeAsync(5_000);
    }
    // 12 cycles of 5 s = 60 s: exactly one write per router, with the newest state.
    expect(store.saves).toEqual([
      { router: 'r1', total: 11, at: 1_060_000 },
      { router: 'r2', total: 111, at: 1_060_000 },
    ]);
    expect(flusher.pending()).toBe(0);
  });

  it('keeps to the interval after a flush: a mark just after it waits for the next one', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    flusher.mark('r1', state(1));
    await vi.advanceTimersByTimeAsync(61_000);
    flusher.mark('r1', state(2));
    await vi.advanceTimersByTimeAsync(58_999);
    expect(store.saves.map((s) => s.total)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.saves.map((s) => [s.total, s.at])).toEqual([
      [1, 1_060_000],
      [2, 1_120_000],
    ]);
  });

  it('arms no timer while nothing is dirty', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    expect(vi.getTimerCount()).toBe(0);
    flusher.mark('r1', state(1));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(store.saves).toHaveLength(1);
  });

  it('costs one write per router per interval: 1 000 routers polled every 5 s for 10 minutes', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    for (let cycle = 0; cycle < 120; cycle++) {
      for (let r = 0; r < 1000; r++) flusher.mark(`r${r}`, state(cycle));
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(store.saves).toHaveLength(10 * 1000);
  });

  it('writes everything now on flush(), and the timer then has nothing to write', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    flusher.mark('r1', state(1));
    flusher.mark('r2', state(2));
    await vi.advanceTimersByTimeAsync(1_000);
    await flusher.flush();
    expect(store.saves.map((s) => [s.router, s.at])).toEqual([
      ['r1', 1_001_000],
      ['r2', 1_001_000],
    ]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(store.saves).toHaveLength(2);
  });

  it('keeps a failed router dirty, retries it at the next interval and logs the failure', async () => {
    const store = fakeStore();
    const log = bufferLogger();
    const flusher = createStateFlusher({ store, intervalMs: 60_000, logger: log.logger });
    store.failing.add('r1');
    flusher.mark('r1', state(1));
    flusher.mark('r2', state(2));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.saves.map((s) => s.router)).toEqual(['r2']);
    expect(flusher.pending()).toBe(1);
    const warn = log.lines().find((l) => l.level === 40);
    expect(warn?.msg).toBe('state flush failed; retrying at the next interval');
    expect(String(warn?.err)).toContain('r1');
    store.failing.clear();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.saves.map((s) => [s.router, s.total, s.at])).toEqual([
      ['r2', 2, 1_060_000],
      ['r1', 1, 1_120_000],
    ]);
  });

  it('retries with the newer state when a router was marked again while its save was failing', async () => {
    const store = fakeStore();
    store.holdEach(1_000);
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    store.failing.add('r1');
    flusher.mark('r1', state(1));
    await vi.advanceTimersByTimeAsync(60_500); // the save is in progress
    flusher.mark('r1', state(2));
    await vi.advanceTimersByTimeAsync(1_000); // it fails
    store.failing.clear();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.saves.map((s) => s.total)).toEqual([2]);
  });

  it('rejects flush() with STATE_IO naming the routers that could not be saved', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store });
    store.failing.add('r1');
    store.failing.add('r3');
    for (const r of ['r1', 'r2', 'r3']) flusher.mark(r, state(1));
    const err = await flusher.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TikprobeError);
    expect((err as TikprobeError).code).toBe('STATE_IO');
    expect((err as TikprobeError).message).toMatch(/2 router\(s\): r1, r3: .*ENOSPC/);
    expect(flusher.pending()).toBe(2);
    store.failing.clear();
    await flusher.flush();
    expect(flusher.pending()).toBe(0);
  });

  it('writes a state passed to saveNow at once and never overwrites it with an older pending mark', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    flusher.mark('r1', state(1));
    await flusher.saveNow('r1', { ...state(1), komari: { uuid: 'u', token: 't' } });
    expect(store.saves.map((s) => [s.total, s.at])).toEqual([[1, 1_000_000]]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(store.saves).toHaveLength(1);
  });

  it('does not write a pending state after a newer one passed to saveNow during a flush', async () => {
    const store = fakeStore();
    store.holdEach(1_000);
    const flusher = createStateFlusher({ store, intervalMs: 60_000, concurrency: 1 });
    flusher.mark('r1', state(1));
    flusher.mark('r2', state(2));
    const flushing = flusher.flush();
    await vi.advanceTimersByTimeAsync(500); // r1 is being written, r2 waits its turn
    const saving = flusher.saveNow('r2', state(20));
    await vi.advanceTimersByTimeAsync(3_000);
    await Promise.all([flushing, saving]);
    expect(store.saves.map((s) => [s.router, s.total])).toEqual([
      ['r1', 1],
      ['r2', 20],
    ]);
    expect(flusher.pending()).toBe(0);
  });

  it('does not retry a failed state that saveNow has replaced meanwhile', async () => {
    const store = fakeStore();
    store.holdEach(1_000);
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    store.failing.add('r1');
    flusher.mark('r1', state(1));
    const flushing = flusher.flush().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500); // the save is in progress
    const saving = flusher.saveNow('r1', state(2));
    await vi.advanceTimersByTimeAsync(600); // the pass's save fails
    expect(await flushing).toBeInstanceOf(TikprobeError);
    store.failing.clear();
    await vi.advanceTimersByTimeAsync(1_000);
    await saving;
    expect(flusher.pending()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(store.saves.map((s) => s.total)).toEqual([2]);
  });

  it('writes marks made during a flush in the next pass', async () => {
    const store = fakeStore();
    store.holdEach(1_000);
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    flusher.mark('r1', state(1));
    const first = flusher.flush();
    await vi.advanceTimersByTimeAsync(500);
    flusher.mark('r1', state(2));
    const second = flusher.flush();
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all([first, second]);
    expect(store.saves.map((s) => s.total)).toEqual([1, 2]);
  });

  it('writes at most `concurrency` files at the same time', async () => {
    const store = fakeStore();
    store.holdEach(100);
    const flusher = createStateFlusher({ store, concurrency: 3 });
    for (let r = 0; r < 20; r++) flusher.mark(`r${r}`, state(r));
    const done = flusher.flush();
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(store.saves).toHaveLength(20);
    expect(store.maxInFlight()).toBe(3);
  });

  it('stops its timer on stop(); marks then wait for an explicit flush()', async () => {
    const store = fakeStore();
    const flusher = createStateFlusher({ store, intervalMs: 60_000 });
    flusher.mark('r1', state(1));
    flusher.stop();
    expect(vi.getTimerCount()).toBe(0);
    flusher.mark('r1', state(2));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(store.saves).toEqual([]);
    await flusher.flush();
    expect(store.saves.map((s) => s.total)).toEqual([2]);
  });

  it('uses injected timers and clock (the scheduler’s Clock)', async () => {
    const store = fakeStore();
    const clock = new ManualClock(0);
    const flusher = createStateFlusher({ store, intervalMs: 30_000, now: () => clock.now(), timers: clock });
    clock.advance(10_000);
    flusher.mark('r1', state(1));
    expect(clock.pending()).toBe(1);
    // Due one interval after the start (30 000), not after the mark.
    clock.advance(19_999);
    expect(clock.pending()).toBe(1);
    clock.advance(1);
    expect(clock.pending()).toBe(0);
    await vi.waitFor(() => expect(store.saves).toHaveLength(1));
    // stop() cancels a timer through the injected clearTimeout.
    flusher.mark('r1', state(2));
    expect(clock.pending()).toBe(1);
    flusher.stop();
    expect(clock.pending()).toBe(0);
  });
});

describe('createStateFlusher with the file store', () => {
  it('puts dirty routers on disk on flush()', async () => {
    vi.useRealTimers();
    const { dir, cleanup } = await tempDir();
    try {
      const store = createStateStore(dir);
      const flusher = createStateFlusher({ store, intervalMs: 60_000 });
      flusher.mark('r1', state(1));
      flusher.mark('r2', state(2));
      flusher.mark('r1', state(3));
      expect(await readdir(dir)).toEqual([]);
      await flusher.flush();
      flusher.stop();
      expect((await readdir(dir)).sort()).toEqual(['r1.json', 'r2.json']);
      expect((await store.load('r1'))?.traffic?.totalUpBytes).toBe(3);
    } finally {
      await cleanup();
    }
  });
});
