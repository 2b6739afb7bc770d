// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are configuration text, where ${VAR} is literal
import { describe, expect, test } from 'vitest';
import { substituteEnv } from '../../src/config/env-subst.js';
import { issuesOf, lines, load, minimal } from './helpers.js';

describe('substituteEnv', () => {
  test('replaces ${VAR} anywhere in the text', () => {
    expect(substituteEnv('https://${HOST}:${PORT}', { HOST: 'r1', PORT: '8443' })).toMatchObject({
      text: 'https://r1:8443',
      missing: [],
      malformed: false,
      wholeReference: false,
    });
  });

  test('uses the fallback when the variable is unset or empty, and not otherwise', () => {
    expect(substituteEnv('${A:-5s}', {}).text).toBe('5s');
    expect(substituteEnv('${A:-5s}', { A: '' }).text).toBe('5s');
    expect(substituteEnv('${A:-5s}', { A: '9s' }).text).toBe('9s');
    expect(substituteEnv('${A:-}', {}).text).toBe('');
  });

  test('a set but empty variable without fallback gives empty text', () => {
    expect(substituteEnv('x${A}y', { A: '' })).toMatchObject({ text: 'xy', missing: [] });
  });

  test('lists each unset variable once', () => {
    expect(substituteEnv('${A}${B}${A}', {}).missing).toEqual(['A', 'B']);
  });

  test('$${ is a literal ${ and a lone $ stays', () => {
    expect(substituteEnv('pa$${X}ss$', { X: 'no' })).toMatchObject({ text: 'pa${X}ss$', substituted: false, missing: [] });
  });

  test('a value is not scanned again after substitution', () => {
    expect(substituteEnv('${A}', { A: '${B}', B: 'no' }).text).toBe('${B}');
  });

  test('an unterminated or nameless reference is malformed', () => {
    expect(substituteEnv('a${B', {}).malformed).toBe(true);
    expect(substituteEnv('${}', {}).malformed).toBe(true);
    expect(substituteEnv('${1X}', {}).malformed).toBe(true);
    expect(substituteEnv('${A-b}', {}).malformed).toBe(true);
  });

  test('wholeReference only when the text is exactly one reference', () => {
    expect(substituteEnv('${N}', { N: '3' }).wholeReference).toBe(true);
    expect(substituteEnv('${N:-3}', {}).wholeReference).toBe(true);
    expect(substituteEnv('${N}0', { N: '3' }).wholeReference).toBe(false);
    expect(substituteEnv(' ${N}', { N: '3' }).wholeReference).toBe(false);
  });
});

describe('environment variables in the configuration', () => {
  const file = `version: 1
komari:
  url: \${KOMARI_URL}
  timeout: \${KOMARI_TIMEOUT:-45s}
routers:
  - name: gw
    url: https://\${GW_HOST}
    username: \${ROUTER_USER:-monitor}
    password: \${ROUTER_PASSWORD}
    komari: { token: "\${GW_TOKEN}" }
`;
  const env = { KOMARI_URL: 'https://k.example', GW_HOST: '192.168.88.1', ROUTER_PASSWORD: 'pw', GW_TOKEN: 'tok' };

  test('set variables are used and fallbacks fill the unset ones', async () => {
    const config = await load(file, env);
    expect(config.komari).toMatchObject({ url: 'https://k.example', timeout: 45_000 });
    const r = config.routers[0]!;
    expect(r).toMatchObject({ url: 'https://192.168.88.1', username: 'monitor', password: 'pw', komari: { token: 'tok' } });
  });

  test('a substituted duration is parsed as a duration', async () => {
    const config = await load(file, { ...env, KOMARI_TIMEOUT: '1m' });
    expect(config.komari?.timeout).toBe(60_000);
  });

  test('each unset variable is an issue at its line naming the variable, and nothing else is said about that value', async () => {
    const issues = await issuesOf(load(file, { KOMARI_URL: 'https://k.example' }));
    expect(lines(issues)).toEqual([
      '7 routers[0].url: environment variable GW_HOST is not set (or write ${GW_HOST:-fallback})',
      '9 routers[0].password: environment variable ROUTER_PASSWORD is not set (or write ${ROUTER_PASSWORD:-fallback})',
      '10 routers[0].komari.token: environment variable GW_TOKEN is not set (or write ${GW_TOKEN:-fallback})',
    ]);
  });

  test('a malformed reference is reported without echoing the value', async () => {
    const issues = await issuesOf(load(minimal('', '').replace('password: pw', 'password: s3cr${et')));
    expect(lines(issues)).toEqual(['8 routers[0].password: "${" must be followed by a variable name and "}" (write "$${" for a literal "${")']);
    expect(issues[0]!.message).not.toContain('s3cr');
  });

  test('$${ keeps a literal ${ in a password', async () => {
    const config = await load(minimal().replace('password: pw', () => 'password: "a$${b}c"'));
    expect(config.routers[0]!.password).toBe('a${b}c');
  });

  test('a whole ${VAR} takes a number or true/false where the schema wants one', async () => {
    const config = await load(
      minimal(
        '    tls: { verify: "${VERIFY}" }\n    ping: { count: "${COUNT}" }\n    traffic: { resetDay: "${DAY}" }\n',
        'concurrency: ${N}\n',
      ),
      { N: '64', VERIFY: 'false', COUNT: '5', DAY: '15' },
    );
    expect(config.concurrency).toBe(64);
    const r = config.routers[0]!;
    expect(r.tls.verify).toBe(false);
    expect(r.ping.count).toBe(5);
    expect(r.traffic.resetDay).toBe(15);
  });

  test('everywhere else a substituted value stays text: a password of digits is still a string', async () => {
    const config = await load(
      minimal().replace('password: pw', 'password: ${PW}').replace('username: monitor', 'username: ${USER}').replace('name: gw', 'name: ${NAME}'),
      { PW: '12345', USER: 'true', NAME: '101' },
    );
    const r = config.routers[0]!;
    expect(r.password).toBe('12345');
    expect(r.username).toBe('true');
    expect(r.name).toBe('101');
  });

  test('a number field given text around the reference is refused as text', async () => {
    const issues = await issuesOf(load(minimal('', 'concurrency: ${N}0\n'), { N: '3' }));
    expect(lines(issues)).toEqual(['4 concurrency: must be a number (got text)']);
  });

  test('variables are not replaced in keys', async () => {
    const issues = await issuesOf(load(minimal('', '${KEY}: 1\n'), { KEY: 'concurrency' }));
    expect(lines(issues)).toEqual(['4 : unknown key "${KEY}" (allowed here: version, komari, nezha, state, log, status, cluster, concurrency, workers, defaults, routers)']);
  });
});
