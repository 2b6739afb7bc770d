import { describe, expect, test } from 'vitest';
import { editDistance, suggestKey } from '../../src/config/suggest.js';

describe('editDistance', () => {
  test('counts insertions, deletions, substitutions and transpositions as one edit each', () => {
    expect(editDistance('intervals', 'intervals')).toBe(0);
    expect(editDistance('intervalls', 'intervals')).toBe(1);
    expect(editDistance('tocken', 'token')).toBe(1);
    expect(editDistance('usernmae', 'username')).toBe(1);
    expect(editDistance('abc', '')).toBe(3);
  });
});

describe('suggestKey', () => {
  const router = ['name', 'url', 'tag', 'username', 'password', 'passwordFile', 'tls', 'timeout', 'intervals', 'traffic', 'publicIp', 'ping', 'komari'];

  test('suggests the closest known key for a typo', () => {
    expect(suggestKey('intervalls', router)).toBe('intervals');
    expect(suggestKey('pasword', router)).toBe('password');
    expect(suggestKey('passwordfile', router)).toBe('passwordFile');
    expect(suggestKey('PublicIP', router)).toBe('publicIp');
    expect(suggestKey('komary', router)).toBe('komari');
  });

  test('suggests nothing for a key that is not a near miss', () => {
    expect(suggestKey('nezha', router)).toBeUndefined();
    expect(suggestKey('x', router)).toBeUndefined();
    expect(suggestKey('interfaces', router)).toBeUndefined();
    expect(suggestKey('tiemout', router)).toBe('timeout');
    expect(suggestKey('timeot', router)).toBe('timeout');
    expect(suggestKey('tmeot', router)).toBeUndefined();
  });
});
