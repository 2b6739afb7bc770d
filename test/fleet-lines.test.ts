import { describe, expect, it } from 'vitest';
import { FleetLines, LINES_PER_WINDOW, sayLine, WINDOW_MS } from '../src/fleet-lines.js';
import { OnceLog } from '../src/once-log.js';
import { bufferLogger } from './support/log-buffer.js';
import { ManualClock } from './support/manual-clock.js';

const WARN = 40;
const INFO = 30;
const DEBUG = 20;

function setup() {
  const out = bufferLogger('debug');
  const clock = new ManualClock();
  const lines = new FleetLines(out.logger, clock);
  const router = (name: string) => out.logger.child({ router: name });
  const at = (level: number) => out.lines().filter((l) => l.level === level);
  return { out, clock, lines, router, at };
}

describe('FleetLines', () => {
  it('one router says every line as it would alone, and no summary follows', () => {
    const { clock, lines, router, at } = setup();
    const log = router('edge1');
    lines.say('Komari report failed', log, 'warn', { code: 'KOMARI_TRANSIENT' }, 'Komari report for router "edge1" failed');
    lines.say('Komari accepts reports again', log, 'info', {}, 'Komari accepts reports for router "edge1" again');
    clock.advance(WINDOW_MS);
    expect(at(WARN).map((l) => [l.router, l.msg])).toEqual([['edge1', 'Komari report for router "edge1" failed']]);
    expect(at(INFO).map((l) => l.msg)).toEqual(['Komari accepts reports for router "edge1" again']);
    expect(clock.pending()).toBe(0);
  });

  it('1 000 routers failing at once: the first lines as they come, the rest at debug, one summary with the count per code when the window ends', () => {
    const { clock, lines, router, at } = setup();
    for (let i = 0; i < 1000; i++) {
      const code = i % 4 === 0 ? 'KOMARI_REJECTED' : 'KOMARI_TRANSIENT';
      lines.say('Komari report failed', router(`r${i}`), 'warn', { code }, `Komari report for router "r${i}" failed`);
    }
    expect(at(WARN).map((l) => l.router)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(at(DEBUG)).toHaveLength(1000 - LINES_PER_WINDOW);
    clock.advance(WINDOW_MS - 1);
    expect(at(WARN)).toHaveLength(LINES_PER_WINDOW);
    clock.advance(1);
    const summary = at(WARN)[LINES_PER_WINDOW];
    expect(summary).toMatchObject({ topic: 'Komari report failed', more: 995, codes: { KOMARI_TRANSIENT: 747, KOMARI_REJECTED: 248 }, windowS: 60 });
    expect(summary?.router).toBeUndefined();
    expect(summary?.msg).toBe('Komari report failed: 995 more line(s) like the 5 above in the last 60 s, at debug level (one per router and event)');
    // A new window: the budget is back.
    lines.say('Komari report failed', router('late'), 'warn', { code: 'KOMARI_TRANSIENT' }, 'Komari report for router "late" failed');
    expect(at(WARN).at(-1)?.router).toBe('late');
  });

  it('each topic has its own budget', () => {
    const { lines, router, at } = setup();
    for (let i = 0; i < 20; i++) lines.say('router up', router(`r${i}`), 'info', {}, 'router up');
    lines.say('router unreachable: retrying with backoff', router('x'), 'warn', { code: 'ROUTER_TRANSIENT' }, 'router unreachable: retrying with backoff');
    expect(at(INFO)).toHaveLength(LINES_PER_WINDOW);
    expect(at(WARN)).toHaveLength(1);
  });

  it('close says the pending summary at once, leaves no timer, and lines after it are logged as they come', () => {
    const { clock, lines, router, at } = setup();
    for (let i = 0; i < 8; i++) lines.say('router up', router(`r${i}`), 'info', {}, 'router up');
    lines.close();
    expect(clock.pending()).toBe(0);
    expect(at(INFO).at(-1)).toMatchObject({ topic: 'router up', more: 3 });
    for (let i = 0; i < 8; i++) lines.say('router up', router(`s${i}`), 'info', {}, 'router up');
    expect(at(INFO).filter((l) => String(l.router).startsWith('s'))).toHaveLength(8);
    expect(clock.pending()).toBe(0);
  });

  it('counts at most 16 codes one by one per topic, the rest as other', () => {
    const { clock, lines, router, at } = setup();
    for (let i = 0; i < LINES_PER_WINDOW + 40; i++) lines.say('t', router(`r${i}`), 'warn', { code: `C${i}` }, 'm');
    clock.advance(WINDOW_MS);
    const codes = at(WARN).at(-1)?.codes as Record<string, number>;
    expect(Object.keys(codes)).toHaveLength(17);
    expect(codes.other).toBe(40 - 16);
  });

  it('sayLine without FleetLines logs straight through the logger', () => {
    const { out, router } = setup();
    for (let i = 0; i < 10; i++) sayLine(undefined, 'router up', router(`r${i}`), 'info', {}, 'router up');
    expect(out.lines().filter((l) => l.level === INFO)).toHaveLength(10);
  });

  it('an OnceLog given the fleet lines limits its start and clear lines across routers', () => {
    const { clock, lines, router, at } = setup();
    const logs = Array.from({ length: 30 }, (_, i) => new OnceLog(router(`r${i}`), lines));
    for (const l of logs) l.report('fetch', 'TIMEOUT', 'warn', { code: 'TIMEOUT' }, 'ping task list could not be fetched; keeping the last list');
    for (const l of logs) l.clear('fetch', {}, 'ping task list fetched again');
    expect(at(WARN)).toHaveLength(LINES_PER_WINDOW);
    expect(at(INFO)).toHaveLength(LINES_PER_WINDOW);
    clock.advance(WINDOW_MS);
    expect(at(WARN).at(-1)).toMatchObject({ topic: 'ping task list could not be fetched; keeping the last list', more: 25, codes: { TIMEOUT: 25 } });
    expect(at(INFO).at(-1)).toMatchObject({ topic: 'ping task list fetched again', more: 25 });
    expect(at(INFO).at(-1)?.codes).toBeUndefined();
  });
});
