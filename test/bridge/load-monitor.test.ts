/**
 * The load monitor over a fleet's start, on a manual clock: first polls and the catch-up
 * after them are late by design and are not judged; the steady state after them is.
 */
import { describe, expect, it } from 'vitest';
import { ENTER_LATE_SHARE, STARTUP_MAX_MS, startupOver, type LoadFigures } from '../../src/bridge/load-estimate.js';
import { LoadMonitor } from '../../src/bridge/load-monitor.js';
import { bufferLogger } from '../support/log-buffer.js';

const INTERVAL = 5000;
const ROUTERS = 100;

interface LoadStatus {
  overloaded: boolean;
  starting: boolean;
  lateShare: number;
}

/** A monitor and a fleet of ROUTERS whose ticks the test plays second by second. */
function fleetOn() {
  let now = 1_000_000;
  const log = bufferLogger('info');
  const monitor = new LoadMonitor({ now: () => now, cpuBusyMs: () => 0, slots: () => undefined, logger: log.logger });
  for (let r = 0; r < ROUTERS; r++) monitor.ledger.join(INTERVAL);
  const ticked = new Set<number>();
  /**
   * `seconds` of ticks: every router ticks once per interval at its phase; `startedBy(t)`:
   * how many routers have had their first poll by second t; `lateMs(t)`: each tick's delay.
   */
  const play = (seconds: number, startedBy: (t: number) => number, lateMs: (t: number) => number) => {
    for (let t = 0; t < seconds; t++) {
      now += 1000;
      const started = startedBy(t);
      for (let r = 0; r < started; r++) {
        if (r % (INTERVAL / 1000) !== t % (INTERVAL / 1000) && ticked.has(r)) continue;
        const first = !ticked.has(r);
        ticked.add(r);
        const slotAt = now - lateMs(t);
        monitor.tickEnded(INTERVAL, slotAt, now, 0, true, first);
      }
    }
  };
  const status = () => monitor.status() as LoadStatus;
  const warnings = () => log.lines().filter((l) => /bridge overloaded/.test(String(l.msg)));
  return { play, status, warnings };
}

describe('the load monitor over a fleet’s start', () => {
  it('does not call a start late by design an overload: first polls over 30 s, 15 s of catch-up, then on time', () => {
    const f = fleetOn();
    const during: LoadStatus[] = [];
    // Routers start over 30 s, each of their polls 2 s late until second 45 (the catch-up).
    f.play(45, (t) => Math.min(ROUTERS, Math.ceil(((t + 1) * ROUTERS) / 30)), () => 2000);
    during.push(f.status());
    f.play(240, () => ROUTERS, () => 0);
    expect(during[0]).toMatchObject({ starting: true, overloaded: false });
    // Judged from the start, that minute would have entered overload: every poll so far was late.
    expect(during[0]!.lateShare).toBeGreaterThan(ENTER_LATE_SHARE);
    expect(f.status()).toMatchObject({ starting: false, overloaded: false });
    expect(f.warnings()).toHaveLength(0);
  });

  it('still says an overload that outlasts the start: at most a minute of start, then a window', () => {
    const f = fleetOn();
    let saidAt: number | undefined;
    f.play(30, (t) => Math.min(ROUTERS, Math.ceil(((t + 1) * ROUTERS) / 30)), () => 2000);
    for (let at = 30; at < 300 && saidAt === undefined; at++) {
      f.play(1, () => ROUTERS, () => 2000);
      if (f.warnings().length > 0) saidAt = at + 1; // seconds since the start
    }
    // The start ends at STARTUP_MAX_MS (the fleet never catches up), the hold is one minute.
    expect(saidAt).toBeDefined();
    expect(saidAt!).toBeGreaterThanOrEqual(STARTUP_MAX_MS / 1000 + 60);
    expect(saidAt!).toBeLessThanOrEqual(STARTUP_MAX_MS / 1000 + 60 + 6);
    expect(f.status()).toMatchObject({ starting: false, overloaded: true });
    expect(f.warnings()).toHaveLength(1);
  });

  it('ends the start once every router polled and a slice is on time, before the minute', () => {
    const f = fleetOn();
    f.play(10, (t) => Math.min(ROUTERS, Math.ceil(((t + 1) * ROUTERS) / 10)), () => 0);
    expect(f.status().starting).toBe(true); // a slice is 5 s: not yet sampled after the last first poll
    f.play(6, () => ROUTERS, () => 0);
    expect(f.status().starting).toBe(false);
  });
});

describe('startupOver', () => {
  const slice = (lateShare: number): LoadFigures => ({
    windowMs: 5000,
    routers: 10,
    due: 10,
    lateShare,
    busyShare: 0.5,
    cpuRatio: 0.5,
    requestRatio: 0.1,
    limitedBy: 'cpu',
    capacityRouters: 16,
    cpuMsPerCycle: 1,
    meanWaitMs: 0,
  });
  it('needs every router started and a slice under the entry share, or the minute', () => {
    expect(startupOver({ started: 9, routers: 10 }, slice(0), 10_000)).toBe(false);
    expect(startupOver({ started: 10, routers: 10 }, slice(ENTER_LATE_SHARE), 10_000)).toBe(false);
    expect(startupOver({ started: 10, routers: 10 }, slice(ENTER_LATE_SHARE - 0.001), 10_000)).toBe(true);
    expect(startupOver({ started: 11, routers: 10 }, slice(0), 10_000)).toBe(true); // a router left after its first poll
    expect(startupOver({ started: 0, routers: 0 }, slice(0), 10_000)).toBe(false); // no fleet yet
    expect(startupOver({ started: 0, routers: 10 }, slice(1), STARTUP_MAX_MS)).toBe(true);
  });
});
