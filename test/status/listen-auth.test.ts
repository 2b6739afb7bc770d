import { describe, expect, it } from 'vitest';
import { bearerCheck } from '../../src/status/auth.js';
import { formatHostPort, isLoopbackHost, parseListen } from '../../src/config/listen.js';

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['[::]:80', { host: '::', port: 80 }],
    ['localhost:9464', { host: 'localhost', port: 9464 }],
    ['status.lan:65535', { host: 'status.lan', port: 65535 }],
  ])('reads %s', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });

  it.each(['9464', ':9464', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '::1:9464', '[127.0.0.1]:9464', 'http://127.0.0.1:9464', 'a b:1', '127.0.0.1:94x'])(
    'refuses %s',
    (text) => {
      expect(parseListen(text)).toBeUndefined();
    },
  );

  it('takes port 0 only when asked (tests bind any free port)', () => {
    expect(parseListen('127.0.0.1:0', { allowPortZero: true })).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('knows which hosts only this machine can reach and brackets IPv6 literals', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '192.168.1.5', 'status.lan'].map(isLoopbackHost)).toEqual([false, false, false, false]);
    expect(formatHostPort('::1', 9464)).toBe('[::1]:9464');
    expect(formatHostPort('127.0.0.1', 9464)).toBe('127.0.0.1:9464');
  });
});

describe('bearerCheck', () => {
  const check = bearerCheck('s3cret-status-token-123');

  it('accepts exactly "Bearer <token>" (scheme case-insensitive)', () => {
    expect(check('Bearer s3cret-status-token-123')).toBe(true);
    expect(check('bearer s3cret-status-token-123')).toBe(true);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic s3cret-status-token-123', 'Bearer s3cret-status-token-12', 'Bearer s3cret-status-token-1234', 's3cret-status-token-123'])(
    'refuses %j',
    (header) => {
      expect(check(header)).toBe(false);
    },
  );

  it('lets every request through when no token is configured', () => {
    expect(bearerCheck(undefined)(undefined)).toBe(true);
  });
});
