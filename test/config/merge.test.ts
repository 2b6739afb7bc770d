import { describe, expect, test } from 'vitest';
import { deepMerge, mergeDefaults } from '../../src/config/merge.js';
import { issuesOf, lines, load } from './helpers.js';

describe('deepMerge', () => {
  test('merges nested objects, replaces arrays and scalars, and the override wins', () => {
    const base = { a: 1, nested: { x: 1, y: { deep: 1, keep: true } }, list: [1, 2, 3] };
    const over = { a: 2, nested: { y: { deep: 2 }, z: 3 }, list: [9] };
    expect(deepMerge(base, over)).toEqual({ a: 2, nested: { x: 1, y: { deep: 2, keep: true }, z: 3 }, list: [9] });
  });

  test('leaves both inputs untouched', () => {
    const base = { nested: { x: 1 } };
    const over = { nested: { y: 2 } };
    deepMerge(base, over);
    expect(base).toEqual({ nested: { x: 1 } });
    expect(over).toEqual({ nested: { y: 2 } });
  });

  test('an object replaces a scalar and a scalar replaces an object', () => {
    expect(deepMerge({ a: 1, b: { x: 1 } }, { a: { y: 1 }, b: 5 })).toEqual({ a: { y: 1 }, b: 5 });
  });
});

describe('mergeDefaults', () => {
  test("a router's passwordFile replaces an inherited password, and its password an inherited passwordFile", () => {
    expect(mergeDefaults({ password: 'p' }, { passwordFile: '/f' })).toEqual({ passwordFile: '/f' });
    expect(mergeDefaults({ passwordFile: '/f' }, { password: 'p' })).toEqual({ password: 'p' });
  });

  test("a router's komari token replaces an inherited tokenFile", () => {
    const defaults = { komari: { tokenFile: '/t' } };
    expect(mergeDefaults(defaults, { komari: { token: 'x' } })).toEqual({ komari: { token: 'x' } });
    expect(defaults).toEqual({ komari: { tokenFile: '/t' } });
  });

  test('a router setting both keeps both (the schema then says which to drop)', () => {
    expect(mergeDefaults({}, { password: 'p', passwordFile: '/f' })).toEqual({ password: 'p', passwordFile: '/f' });
  });
});

describe('defaults: through the loader', () => {
  const text = `version: 1
komari: { url: https://komari.example.com }
defaults:
  username: monitor
  password: shared
  tls: { verify: false }
  intervals:
    basicInfo: 1h
    report: 10s
  traffic:
    interfaces: [ether1, ether2]
    resetDay: 5
routers:
  - name: a
    url: https://10.0.0.1
    komari: { token: t }
  - name: b
    url: https://10.0.0.2
    username: other
    passwordFile: /run/b
    intervals: { report: 5s }
    traffic: { interfaces: [pppoe-out1] }
    komari: { token: t }
`;

  test('nested objects merge, lists are replaced, and the router wins', async () => {
    const config = await load(text, {}, { files: { '/run/b': 'bpw\n' } });
    const [a, b] = config.routers;
    expect(a).toMatchObject({
      username: 'monitor',
      password: 'shared',
      tls: { verify: false },
      intervals: { report: 10_000, basicInfo: 3_600_000, connections: 30_000, pingTasks: 60_000 },
      traffic: { interfaces: ['ether1', 'ether2'], resetDay: 5 },
    });
    expect(b).toMatchObject({
      username: 'other',
      password: 'bpw',
      tls: { verify: false },
      intervals: { report: 5000, basicInfo: 3_600_000 },
      traffic: { interfaces: ['pppoe-out1'], resetDay: 5 },
    });
  });

  test('a problem in an inherited value points at its line in defaults: with the router path', async () => {
    const bad = text.replace('basicInfo: 1h', 'basicInfo: 2d');
    const issues = await issuesOf(load(bad, {}, { files: { '/run/b': 'bpw' } }));
    expect(lines(issues)).toEqual(['8 routers[0].intervals.basicInfo: 48h is out of range (1m–24h) (from defaults:; also routers[1])']);
  });

  test('a rule broken by an inherited value together with the router own value is placed at the inherited line', async () => {
    const bad = text.replace('report: 10s', 'report: 10s\n  timeout: 3s').replace('intervals: { report: 5s }', 'intervals: { report: 3s }');
    const issues = await issuesOf(load(bad, {}, { files: { '/run/b': 'bpw' } }));
    expect(lines(issues)).toEqual(['10 routers[1].timeout: 3s must be below intervals.report (3s) (from defaults:)']);
  });

  test('an unknown key in a nested defaults: mapping is reported once, with a suggestion', async () => {
    const bad = text.replace('tls: { verify: false }', 'tls: { verfy: false }');
    const issues = await issuesOf(load(bad, {}, { files: { '/run/b': 'bpw' } }));
    expect(lines(issues)).toEqual(['6 routers[0].tls: unknown key "verfy" (did you mean "verify"?) (from defaults:; also routers[1])']);
  });

  test('an unknown key directly under defaults: is reported once at defaults', async () => {
    const bad = text.replace('  username: monitor', '  usernme: monitor\n  name: x');
    const issues = await issuesOf(load(bad, {}, { files: { '/run/b': 'bpw' } }));
    expect(lines(issues)).toEqual([
      '4 defaults: unknown key "usernme" (did you mean "username"?)',
      '5 defaults: "name" is set in each router, not under defaults:',
      '15 routers[0].username: missing: set it in this router or under defaults:',
    ]);
  });
});
