import { describe, expect, it } from 'vitest';
import type { RouterView } from '../../src/bridge/router-runner.js';
import { startSystemdLifecycle } from '../../src/systemd/lifecycle.js';
import { createNotifier, type DgramModule, type Notifier, notifySocketPath, watchdogUsec } from '../../src/systemd/notify.js';
import { bufferLogger } from '../support/log-buffer.js';
import { ManualClock } from '../support/manual-clock.js';

function recorder(watchdog?: number): Notifier & { messages: string[] } {
  const messages: string[] = [];
  return { active: true, watchdogUsec: watchdog, messages, send: (m) => messages.push(m), close: () => undefined };
}

function view(name: string, state: RouterView['state'], lastSuccessAt?: number): RouterView {
  return { name, state, lastSample: undefined, lastSuccessAt, lastError: undefined, lastErrorCode: undefined, lastPollMs: undefined, degraded: [], lastPing: undefined, parts: [] };
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

/** A unix-dgram stand-in: records datagrams, fails each send with `failWith` when set. */
function fakeDgram(failWith?: Error) {
  const sent: { text: string; path: string }[] = [];
  let closes = 0;
  const module: DgramModule = {
    createSocket: () => ({
      send: (buf, offset, length, path, callback) => {
        sent.push({ text: buf.subarray(offset, offset + length).toString(), path });
        callback?.(failWith);
      },
      on: () => undefined,
      close: () => {
        closes += 1;
      },
    }),
  };
  return { module, sent, closes: () => closes };
}

describe('createNotifier', () => {
  it('is inactive without NOTIFY_SOCKET and never loads the addon', () => {
    const log = bufferLogger();
    const n = createNotifier({}, log.logger, () => {
      throw new Error('must not load');
    });
    expect(n).toMatchObject({ active: false, watchdogUsec: undefined });
    n.send('READY=1');
    expect(log.lines()).toEqual([]);
  });

  it('sends each message as one datagram to the socket, and nothing after close()', () => {
    const dgram = fakeDgram();
    const n = createNotifier({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify', WATCHDOG_USEC: '20000000' }, bufferLogger().logger, () => dgram.module);
    expect(n.active).toBe(true);
    expect(n.watchdogUsec).toBe(20_000_000);
    n.send('READY=1\nSTATUS=1 of 1 router(s) up');
    n.close();
    n.close();
    n.send('STOPPING=1');
    expect(dgram.sent).toEqual([{ text: 'READY=1\nSTATUS=1 of 1 router(s) up', path: '\0/org/freedesktop/systemd1/notify' }]);
    expect(dgram.closes()).toBe(1);
  });

  it('warns once when sends fail, and logs an error and stays inactive when the addon cannot load', () => {
    const log = bufferLogger();
    const failing = createNotifier({ NOTIFY_SOCKET: '/run/systemd/notify' }, log.logger, () => fakeDgram(new Error('ECONNREFUSED')).module);
    failing.send('WATCHDOG=1');
    failing.send('WATCHDOG=1');
    expect(log.lines().filter((l) => l.msg === 'could not send to the systemd notify socket')).toHaveLength(1);

    const broken = createNotifier({ NOTIFY_SOCKET: '/run/systemd/notify' }, log.logger, () => {
      throw new Error('no binding');
    });
    expect(broken.active).toBe(false);
    expect(log.lines().some((l) => l.level === 50 && String(l.msg).includes('unix-dgram addon is not usable'))).toBe(true);
  });
});

describe('systemd lifecycle', () => {
  it('says READY=1 after the first successful cycle, not before', () => {
    const clock = new ManualClock();
    const n = recorder();
    let views = [view('a', 'starting'), view('b', 'starting')];
    const life = startSystemdLifecycle(n, { view: () => views, healthy: () => true}, clock.now(), clock);
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
    const life = startSystemdLifecycle(n, { view: () => [view('a', 'backoff'), view('b', 'down')], healthy: () => true}, clock.now(), clock);
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
    const life = startSystemdLifecycle(n, { view: () => [view('a', 'up', 1)], healthy: () => true}, clock.now(), clock);
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
    const life = startSystemdLifecycle(inactive, { view: () => [view('a', 'up', 1)], healthy: () => true}, clock.now(), clock);
    clock.advance(10_000);
    life.stopping();
    expect(sent).toEqual([]);
    expect(clock.pending()).toBe(0);
  });
});
