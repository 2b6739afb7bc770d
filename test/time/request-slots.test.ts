import { seededRng } from '@tikprobe/sim/prng.js';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { type CancelSignal, Cancellation } from '../../src/time/cancel.js';
import { RequestSlots, SlotWaitExpired } from '../../src/time/request-slots.js';

/** A request the test finishes by hand. */
function gate(): { promise: Promise<string>; open: (v: string) => void } {
  let open!: (v: string) => void;
  const promise = new Promise<string>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A request in a slot as the RouterOS client makes one: acquire (waiting if need be), the request, release. */
async function runIn<T>(slots: RequestSlots, fn: () => Promise<T>, cancel?: CancelSignal, maxWaitMs?: number, rank?: number): Promise<T> {
  const waiting = slots.acquire(cancel, maxWaitMs, rank);
  if (waiting !== undefined) await waiting;
  try {
    return await fn();
  } finally {
    slots.release();
  }
}

describe('RequestSlots', () => {
  it('runs at once while a slot is free, then first come first served', async () => {
    const slots = new RequestSlots(2, () => 0);
    const started: string[] = [];
    const gates = ['a', 'b', 'c', 'd'].map((name) => ({ name, ...gate() }));
    const done = gates.map((g) =>
      runIn(slots, () => {
        started.push(g.name);
        return g.promise;
      }),
    );
    expect(started).toEqual(['a', 'b']);
    expect(slots.figures()).toMatchObject({ active: 2, waiting: 2 });
    gates[1]!.open('b');
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[0]!.open('a');
    await flush();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates[2]!.open('c');
    gates[3]!.open('d');
    expect(await Promise.all(done)).toEqual(['a', 'b', 'c', 'd']);
    expect(slots.figures()).toMatchObject({ active: 0, waiting: 0, waited: 2 });
  });

  it('a waiting request of older work (smaller rank) starts before requests queued earlier; equal ranks keep their order', async () => {
    const slots = new RequestSlots(1, () => 1000);
    const starts: string[] = [];
    const release: (() => void)[] = [];
    const job = (name: string) => () => {
      starts.push(name);
      return new Promise<void>((resolve) => release.push(resolve));
    };
    const all = [
      runIn(slots, job('holder')),
      runIn(slots, job('new poll, first request'), undefined, undefined, 900),
      runIn(slots, job('untagged'), undefined, undefined),
      runIn(slots, job('old poll, second request'), undefined, undefined, 500),
      runIn(slots, job('other new poll'), undefined, undefined, 900),
    ];
    while (starts.length < 5) {
      await flush();
      release.shift()?.();
      await flush();
    }
    expect(starts).toEqual(['holder', 'old poll, second request', 'new poll, first request', 'other new poll', 'untagged']);
    for (const r of release) r();
    await Promise.all(all);
  });

  it('a request cancelled while it waits leaves the queue at once, unsent, with the cancel reason', async () => {
    const slots = new RequestSlots(1, () => 0);
    const first = gate();
    const running = runIn(slots, () => first.promise);
    const cancel = new Cancellation();
    let ran = false;
    const waiting = runIn(slots, async () => {
      ran = true;
      return 'x';
    }, cancel);
    expect(slots.figures().waiting).toBe(1);
    cancel.abort(new Error('timeout'));
    await expect(waiting).rejects.toThrow('timeout');
    expect(slots.figures().waiting).toBe(0);
    first.open('done');
    await running;
    await flush();
    expect(ran).toBe(false);
    // The handle is free for the HTTP client again: the queue took its listener away.
    const after = new Cancellation();
    await expect(runIn(slots, async () => 'ok', after)).resolves.toBe('ok');
  });

  it('a request that waited its longest leaves the queue unrun with SlotWaitExpired; one that got a slot has no bound', async () => {
    const slots = new RequestSlots(1);
    const first = gate();
    const running = runIn(slots, () => first.promise, undefined, 10); // ran at once: 10 ms mean nothing to it
    let ran = false;
    const waiting = runIn(slots, async () => {
      ran = true;
    }, undefined, 20);
    await expect(waiting).rejects.toBeInstanceOf(SlotWaitExpired);
    await expect(waiting).rejects.toThrow('no request slot free within 20 ms');
    expect(slots.figures()).toMatchObject({ waiting: 0, waited: 1 });
    first.open('done');
    await expect(running).resolves.toBe('done');
    await flush();
    expect(ran).toBe(false);
  });

  it('an already aborted request never runs', async () => {
    const slots = new RequestSlots(1);
    const cancel = new Cancellation();
    cancel.abort(new Error('aborted'));
    await expect(runIn(slots, async () => 'ran', cancel)).rejects.toThrow('aborted');
  });

  it('counts slot time as the integral of requests in flight, and the wait of those that waited', async () => {
    let now = 1000;
    const slots = new RequestSlots(2, () => now);
    const a = gate();
    const b = gate();
    const c = gate();
    const pa = runIn(slots, () => a.promise);
    const pb = runIn(slots, () => b.promise);
    const pc = runIn(slots, () => c.promise);
    now = 1100; // a and b in flight: 200 slot-ms so far
    expect(slots.figures().busyMs).toBe(200);
    a.open('a');
    await pa;
    await flush(); // c takes a's slot after waiting 100 ms
    expect(slots.figures()).toMatchObject({ waited: 1, waitedMs: 100 });
    now = 1150;
    b.open('b');
    c.open('c');
    await Promise.all([pb, pc]);
    expect(slots.figures().busyMs).toBe(300);
  });

  it('a throwing or rejecting request frees its slot', async () => {
    const slots = new RequestSlots(1);
    await expect(
      runIn(slots, () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(runIn(slots, () => Promise.reject(new Error('async')))).rejects.toThrow('async');
    await expect(runIn(slots, async () => 'free')).resolves.toBe('free');
  });

  it('a free slot is taken at once (no promise); a waiter takes the slot a release gives back; a rejected wait holds none', async () => {
    vi.useFakeTimers();
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const slots = new RequestSlots(1);
    expect(slots.acquire()).toBeUndefined();
    expect(slots.figures()).toMatchObject({ active: 1, waiting: 0 });
    const granted = slots.acquire();
    const expiring = slots.acquire(undefined, 5);
    expect(granted).toBeInstanceOf(Promise);
    expect(slots.figures()).toMatchObject({ active: 1, waiting: 2 });
    slots.release();
    await expect(granted).resolves.toBeUndefined();
    // The waiter holds the slot now: the one behind it still waits, then expires holding nothing.
    expect(slots.figures()).toMatchObject({ active: 1, waiting: 1 });
    const expired = expect(expiring).rejects.toBeInstanceOf(SlotWaitExpired);
    await vi.advanceTimersByTimeAsync(5);
    await expired;
    expect(slots.figures()).toMatchObject({ active: 1, waiting: 0 });
    slots.release();
    expect(slots.figures()).toMatchObject({ active: 0, waiting: 0 });
    // A release with no slot taken is a caller's bug, said at once rather than a limit gone wrong.
    expect(() => slots.release()).toThrow(/without a slot/);
    expect(slots.acquire()).toBeUndefined();
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => new RequestSlots(0)).toThrow(/positive integer/);
    expect(() => new RequestSlots(1.5)).toThrow(/positive integer/);
  });

  // Random arrivals, finishes and cancellations: never more than `size` in flight, every
  // request ends exactly once (run or cancelled), none runs after its cancellation, and the
  // order of starts is the order of arrival among those that were not cancelled.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`keeps its invariants under random traffic (seed ${seed})`, async () => {
      const rng = seededRng(seed);
      const size = 1 + Math.floor(rng() * 4);
      const slots = new RequestSlots(size);
      const open: (() => void)[] = [];
      const cancels: Cancellation[] = [];
      const starts: number[] = [];
      const endings = new Map<number, 'ran' | 'cancelled'>();
      const pending: Promise<void>[] = [];
      // Broken invariants are collected, not thrown: a throw inside a run would read as a cancellation.
      const violations: string[] = [];
      let inFlight = 0;
      for (let id = 0; id < 300; id++) {
        const cancel = new Cancellation();
        cancels.push(cancel);
        const done = runIn(
          slots,
          () => {
            if (cancel.aborted) violations.push(`${id} ran after it was cancelled`);
            inFlight += 1;
            if (inFlight > size) violations.push(`${inFlight} in flight with ${size} slots`);
            starts.push(id);
            return new Promise<void>((resolve) =>
              open.push(() => {
                inFlight -= 1;
                resolve();
              }),
            );
          }, cancel)
          .then(
            () => void endings.set(id, 'ran'),
            () => void endings.set(id, 'cancelled'),
          );
        pending.push(done);
        if (rng() < 0.3) cancels[Math.floor(rng() * cancels.length)]!.abort(new Error('timeout'));
        if (rng() < 0.45 && open.length > 0) open.splice(Math.floor(rng() * open.length), 1)[0]!();
        await flush();
        expect(slots.figures().active).toBeLessThanOrEqual(size);
        expect(slots.figures().active).toBe(inFlight);
      }
      while (open.length > 0 || slots.figures().waiting > 0) {
        for (const finish of open.splice(0)) finish();
        await flush();
      }
      await Promise.all(pending);
      expect(violations).toEqual([]);
      expect(endings.size).toBe(300);
      expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      expect(slots.figures()).toMatchObject({ active: 0, waiting: 0 });
    });
  }
});
