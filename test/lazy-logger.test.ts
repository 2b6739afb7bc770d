/**
 * The lazy child logger: the same lines as a pino child, and no child until one is written
 * (or the logger is used otherwise); levels follow the parent's, as a pino child's do.
 */
import { describe, expect, it, vi } from 'vitest';
import { lazyChild } from '../src/lazy-logger.js';
import { bufferLogger } from './support/log-buffer.js';

const withoutTime = (line: Record<string, unknown>) => {
  const { time: _time, ...rest } = line;
  return rest;
};

describe('lazy child logger', () => {
  it('writes exactly the lines an eager child writes, bindings of every generation included', () => {
    const eager = bufferLogger('info');
    const lazy = bufferLogger('info');
    const write = (router: ReturnType<typeof bufferLogger>['logger']) => {
      router.info({ n: 1 }, 'router up');
      router.child({ sink: 'komari' }).warn({ status: 500 }, 'report failed');
      router.error(new Error('boom'));
      router.debug('not written at info');
    };
    write(eager.logger.child({ router: 'edge1' }));
    write(lazyChild(lazy.logger, { router: 'edge1' }));
    const strip = (lines: Record<string, unknown>[]) => lines.map(withoutTime).map((l) => ({ ...l, err: l.err ? { message: (l.err as { message: string }).message } : undefined }));
    expect(strip(lazy.lines())).toEqual(strip(eager.lines()));
    expect(lazy.lines().map((l) => [l.router, l.sink, l.msg])).toEqual([
      ['edge1', undefined, 'router up'],
      ['edge1', 'komari', 'report failed'],
      ['edge1', undefined, 'boom'],
    ]);
  });

  it('creates no child while nothing is written: calls at a level that is off, the level and its check', () => {
    const { logger, lines } = bufferLogger('warn');
    const child = vi.spyOn(logger, 'child');
    const router = lazyChild(logger, { router: 'edge1' });
    const sink = lazyChild(router, { sink: 'komari' });
    router.info('off');
    router.debug({ big: 'x' }, 'off');
    sink.info('off');
    expect(router.level).toBe('warn');
    expect(sink.isLevelEnabled('warn')).toBe(true);
    expect(sink.isLevelEnabled('info')).toBe(false);
    expect(child).not.toHaveBeenCalled();
    expect(lines()).toEqual([]);
    sink.warn('on');
    // The router's child, then the sink's from it (a pino child inherits its parent's methods, the spy too).
    expect(child).toHaveBeenCalledTimes(2);
    expect(lines().map((l) => [l.router, l.sink, l.msg])).toEqual([['edge1', 'komari', 'on']]);
  });

  it('follows a level change of the parent before and after the child exists (a reload)', () => {
    const { logger, lines } = bufferLogger('warn');
    const router = lazyChild(logger, { router: 'edge1' });
    router.info('dropped');
    logger.level = 'info';
    router.info('kept before');
    logger.level = 'error';
    router.warn('dropped after');
    router.error('kept after');
    expect(lines().map((l) => l.msg)).toEqual(['kept before', 'kept after']);
  });

  it('a lazy child of a lazy child takes its level from the nearest logger that exists', () => {
    const { logger, lines } = bufferLogger('warn');
    const router = lazyChild(logger, { router: 'edge1' });
    const sink = lazyChild(router, { sink: 'komari' });
    sink.info('dropped');
    router.level = 'info'; // creates the router's child with a level of its own
    logger.level = 'error';
    sink.info('kept');
    router.warn('kept too');
    expect(lines().map((l) => [l.sink, l.msg])).toEqual([
      ['komari', 'kept'],
      [undefined, 'kept too'],
    ]);
  });
});
