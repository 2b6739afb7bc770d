import { describe, expect, it } from 'vitest';
import type { RouterView } from '../../src/scheduler/router-runner.js';
import { startSystemdLifecycle } from '../../src/systemd/lifecycle.js';
import { type Notifier, notifySocketPath, watchdogUsec } from '../../src/systemd/notify.js';
import { ManualClock } from '../support/manual-clock.js';

function recorder(watchdog?: number): Notifier & { messages: string[] } {
  const messages: string[] = [];
  return { active: true, watchdogUsec: watchdog, messages, send: (m) => messages.push(m), close: () => undefined };
}

function view(name: string, state: RouterView['state'], lastSuccessAt?: number): RouterView {
  return { name, state, lastSample: undefined, lastSuccessAt, lastError: undefined, lastErrorCode: undefined, lastPollMs: undefined, degraded: [], lastPing: undefined };
}

describe('sd_notify environment', () => {
  it('reads the socket path, abstract names included', () => {
    expect(notifySocketPath(undefined)).toBeUndefined();
    expect(notifySocketPath('')).toBeUndefined();
    expect(notifySocketPath('/run/systemd/notify')).toBe('/run/systemd/notify');
    expect(notifySocketPath('@/org/freedesktop/systemd1/notify/123')).toBe('\0/org/freedesktop/systemd1/notify/123');
  });
  it('honours WATCHDOG_USEC only for this process', () => {
    expect(watchdogUsec({ WATCHDOG_USEC: '30000000' }, 42)).toBe(30_000_000);
    expect(watchdogUsec({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(30_000_000);
    expect(watchdogUsec({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42)).toBeUndefined();
    expect(watchdogUsec({ WATCHDOG_USEC: 'soon' }, 42)).toBeUndefined();
    expect(watchdogUsec({}, 42)).toBeUndefined();
  });
});

describe('systemd lifecycle', () => {
  it('says READY=1 after the first successful cycle, not before', () => {
    const clock = new ManualClock();
    const n = recorder();
    let views = [view('a', 'starting'), view('b', 'starting')];
    const life = startSystemdLifecycle(n, { view: () => views, healthy: () => true }, clock.now(), clock);
    clock.advance(1000);
    expect(n.messages).toEqual([]);
    views = [view('a', 'up', clock.now()), view('b', 'starting')];
    clock.advance(500);
    expect(n.messages).toEqual(['READY=1\nSTATUS=1 of 2 router(s) up']);
    clock.advance(5000);
    expect(n.messages).toHaveLength(1);
    life.close();
  });

  it('is ready too when every router was tried and none answered (an unreachable fleet must not fail the start)', () => {
    const clock = new ManualClock();
    const n = recorder();
    const life = startSystemdLifecycle(n, { view: () => [view('a', 'backoff'), view('b', 'down')], healthy: () => true }, clock.now(), clock);
    expect(n.messages).toEqual(['READY=1\nSTATUS=0 of 2 router(s) up']);
    life.close();
  });

  it('sends WATCHDOG=1 at half the interval only while the scheduler makes progress', () => {
    const clock = new ManualClock();
    const n = recorder(10_000_000); // 10 s
    let healthy = true;
    const life = startSystemdLifecycle(n, { view: () => [view('a', 'up', 1)], healthy: () => healthy }, clock.now(), clock);
    clock.advance(10_000);
    expect(n.messages.filter((m) => m === 'WATCHDOG=1')).toHaveLength(2);
    healthy = false;
    clock.advance(20_000);
    expect(n.messages.filter((m) => m === 'WATCHDOG=1')).toHaveLength(2);
    healthy = true;
    clock.advance(5000);
    expect(n.messages.filter((m) => m === 'WATCHDOG=1')).toHaveLength(3);
    life.close();
    clock.advance(60_000);
    expect(n.messages.filter((m) => m === 'WATCHDOG=1')).toHaveLength(3);
  });

  it('announces reloads and the stop', () => {
    const clock = new ManualClock();
    const n = recorder();
    const life = startSystemdLifecycle(n, { view: () => [view('a', 'up', 1)], healthy: () => true }, clock.now(), clock);
    life.reloading();
    life.reloaded();
    life.stopping();
    expect(n.messages[1]).toMatch(/^RELOADING=1\nMONOTONIC_USEC=\d+$/);
    expect(n.messages.slice(2)).toEqual(['READY=1\nSTATUS=1 of 1 router(s) up', 'STOPPING=1']);
    life.close();
  });

  it('does nothing without a notify socket', () => {
    const clock = new ManualClock();
    const sent: string[] = [];
    const inactive: Notifier = { active: false, watchdogUsec: 1_000_000, send: (m) => sent.push(m), close: () => undefined };
    const life = startSystemdLifecycle(inactive, { view: () => [view('a', 'up', 1)], healthy: () => true }, clock.now(), clock);
    clock.advance(10_000);
    life.stopping();
    expect(sent).toEqual([]);
    expect(clock.pending()).toBe(0);
  });
});
