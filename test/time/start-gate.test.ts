/**
 * The start gate paces first polls by the event loop's busy share: no wait while the loop has
 * room, FIFO waiting while it is busy, at most `perCheck` let through per check, abortable,
 * and no timer left once nothing waits.
 */
import { describe, expect, it } from 'vitest';
import { busyShareSince, StartGate } from '../../src/time/start-gate.js';
import { ManualClock } from '../support/manual-clock.js';

function gate(busy: number[], perCheck = 3) {
  const clock = new ManualClock();
  const shares = [...busy];
  const g = new StartGate({ clock, busyShare: () => shares.shift() ?? 0, checkMs: 50, perCheck, maxBusyShare: 0.8 });
  return { clock, g };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('StartGate', () => {
  it('lets first polls through at once while the loop has room, at most perCheck per check', async () => {
    const { clock, g } = gate([0.1, 0.1]);
    const order: number[] = [];
    const waited: boolean[] = [];
    const entries = [0, 1, 2, 3, 4].map((i) =>
      g.enter(new AbortController().signal).then((w) => {
        order.push(i);
        waited.push(w);
      }),
    );
    await settle();
    expect(order).toEqual([0, 1, 2]);
    expect(g.size).toBe(2);
    clock.advance(50);
    await Promise.all(entries);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(waited).toEqual([false, false, false, true, true]);
    expect(g.delayed).toBe(2);
  });

  it('holds every waiter while the loop is busier than the limit, then lets them through in order', async () => {
    const { clock, g } = gate([0.95, 0.9, 0.5], 10);
    // The first check window is empty; fill it so later arrivals must queue.
    for (let i = 0; i < 10; i++) await g.enter(new AbortController().signal);
    const order: number[] = [];
    const entries = [0, 1, 2].map((i) => g.enter(new AbortController().signal).then(() => order.push(i)));
    clock.advance(50); // busy 0.95
    await settle();
    expect(order).toEqual([]);
    clock.advance(50); // busy 0.9
    await settle();
    expect(order).toEqual([]);
    clock.advance(50); // busy 0.5
    await Promise.all(entries);
    expect(order).toEqual([0, 1, 2]);
  });

  it('lets a first poll through once it has waited maxWaitMs, however busy the loop (no router is starved)', async () => {
    const clock = new ManualClock();
    const g = new StartGate({ clock, busyShare: () => 1, checkMs: 50, perCheck: 1, maxWaitMs: 200 });
    await g.enter(new AbortController().signal);
    const order: number[] = [];
    const entries = [0, 1].map((i) => g.enter(new AbortController().signal).then(() => order.push(i)));
    clock.advance(150);
    await settle();
    expect(order).toEqual([]);
    clock.advance(50); // both have waited 200 ms
    await Promise.all(entries);
    expect(order).toEqual([0, 1]);
  });

  it('an aborted waiter leaves the queue with the signal’s reason and is never let through', async () => {
    const { clock, g } = gate([0.95, 0.1], 1);
    await g.enter(new AbortController().signal);
    const stop = new AbortController();
    const aborted = g.enter(stop.signal);
    const next = g.enter(new AbortController().signal);
    stop.abort(new Error('stopping'));
    await expect(aborted).rejects.toThrow('stopping');
    expect(g.size).toBe(1);
    clock.advance(50); // busy
    clock.advance(50); // room
    await expect(next).resolves.toBe(true);
    await expect(g.enter(stop.signal)).rejects.toThrow('stopping');
  });

  it('keeps no timer once nothing waits and the last check let nothing through', async () => {
    const { clock, g } = gate([0.1, 0.1]);
    await g.enter(new AbortController().signal);
    expect(clock.pending()).toBe(1);
    clock.advance(50); // the check finds nobody waiting and arms no other
    expect(clock.pending()).toBe(0);
  });
});

describe('busyShareSince', () => {
  it('is the busy milliseconds over the wall milliseconds since the previous call, within 0–1', () => {
    const clock = new ManualClock();
    let busy = 1000;
    const share = busyShareSince(clock, () => busy);
    clock.advance(100);
    busy += 40;
    expect(share()).toBeCloseTo(0.4);
    clock.advance(50);
    busy += 80; // more than the wall time (rounding of the source): capped
    expect(share()).toBe(1);
    expect(share()).toBe(0); // no time passed
  });
});
