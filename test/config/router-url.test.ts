import { describe, expect, it } from 'vitest';
import { routerUrlProblem } from '../../src/config/router-url.js';
import { issuesOf, lines, load, minimal } from './helpers.js';

const MALFORMED = ['192.168.88.1', '127.0.1.5:8080', 'http://', 'http://h:99999', 'ftp://h', 'https://h/rest', 'http://u:p@h'];

function twoRouters(url: string): string {
  return `version: 1
komari:
  url: https://komari.example.com
routers:
  - name: bad-one
    url: ${url}
    username: monitor
    password: pw
    komari: { token: tok1 }
    timeout: 9s
  - name: gw2
    url: https://192.168.88.2
    username: monitor
    password: pw
    komari: { token: tok2 }
    concurrency: 3
`;
}

describe('router url', () => {
  it.each(MALFORMED)('%s: a config error at the url line, the router named, other errors still reported', async (url) => {
    const got = lines(await issuesOf(load(twoRouters(url))));
    const urlLine = got.find((l) => l.startsWith('6 routers[0].url:'));
    expect(urlLine, got.join('\n')).toBeDefined();
    expect(urlLine).not.toMatch(/Invalid URL/);
    expect(got.join('\n')).toMatch(/bad-one/);
    // The file's other problems: the timeout of gw (9s ≥ report 5s) and gw2's unknown key.
    expect(got.some((l) => l.startsWith('16 routers[1]'))).toBe(true);
  });

  it('accepts http(s)://host[:port] with or without a trailing slash', () => {
    for (const u of ['https://192.168.88.1', 'http://gw.lan:8080/', 'https://[fe80::1]:8443']) expect(routerUrlProblem(u)).toBeUndefined();
  });

  it('never echoes the text (it may have come from a variable)', () => {
    for (const u of MALFORMED) expect(routerUrlProblem(u) ?? '').not.toContain(u);
  });
});

describe('messages that point the right way', () => {
  it('report: 0 says 0s, not 0h', async () => {
    const got = lines(await issuesOf(load(twoRouters('https://h').replace('timeout: 9s', 'intervals: { report: 0 }'))));
    expect(got.join('\n')).toContain('0s is out of range (1s–30s)');
  });

  it('a short report interval with the default timeout says the timeout was a default', async () => {
    const got = lines(await issuesOf(load(twoRouters('https://h').replace('timeout: 9s', 'intervals: { report: 3s }'))));
    expect(got.join('\n')).toContain('4s (the default when timeout is not set) must be below intervals.report (3s)');
  });
});

describe('a value that came from a variable is never echoed', () => {
  const ref = '$' + '{ROUTER_PASSWORD}';
  it.each(['hunter2-secret', 'x9'])('timeout: <the password variable> (%s) does not show the password', async (pw) => {
    const text = twoRouters('https://h').replace('timeout: 9s', `timeout: ${ref}\n    tag: ${ref}`);
    const issues = await issuesOf(load(text, { ROUTER_PASSWORD: pw }));
    const shown = lines(issues).join('\n');
    expect(shown).toContain('routers[0].timeout');
    expect(shown).not.toContain(`"${pw}"`);
    if (pw.length >= 4) expect(shown).not.toContain(pw);
  });
});

describe('first-hour mistakes', () => {
  it('an empty password (a variable set to nothing) is refused, as an empty token is', async () => {
    const text = minimal().replace('password: pw', `password: ${'$'}{ROUTER_PASSWORD}`);
    const got = lines(await issuesOf(load(text, { ROUTER_PASSWORD: '' })));
    expect(got.join('\n')).toMatch(/routers\[0\]\.password: is empty/);
  });

  it('no configuration found names every place looked at', async () => {
    const { loadConfig, resolveConfigPath } = await import('../../src/config/load.js');
    const file = resolveConfigPath(undefined, {}, () => false);
    const issues = await issuesOf(
      loadConfig(file, {}, { readFile: async () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOENT' })) }),
    );
    expect(issues[0]!.message).toContain('looked at --config, $TIKPROBE_CONFIG, ./tikprobe.yaml, /etc/tikprobe/config.yaml');
  });
});
