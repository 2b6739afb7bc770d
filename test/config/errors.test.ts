// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are configuration text, where ${VAR} is literal
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { IssueList } from '../../src/config/issue-list.js';
import { ConfigError } from '../../src/errors.js';
import { CONFIG_FILE, issuesOf, lines, load, minimal } from './helpers.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('every problem is reported at once, each at its line', () => {
  test('the multi-error fixture', async () => {
    const issues = await issuesOf(load(fixture('multi-error.yaml'), { ROUTER_PASSWORD: 'pw' }));
    expect(lines(issues)).toEqual([
      '18 routers[1].name: "gw" is already the name of routers[0] (line 14); router names must be unique, ignoring case',
      '20 routers[1]: unknown key "intervalls" (did you mean "intervals"?)',
      '25 routers[2].timeout: "5 seconds" is not a duration (use e.g. "500ms", "5s", "10m", "1h")',
      '29 routers[3].timeout: 6s must be below intervals.report (5s)',
      '31 routers[4].komari.token: missing: this router has no Komari token; set komari.token (or komari.tokenFile) here, or komari.autoDiscoveryKey at the top level to register it automatically',
    ]);
    expect(issues.every((i) => i.file === CONFIG_FILE)).toBe(true);
  });

  test('the ConfigError message lists them as file:line path: message', async () => {
    const err = await load(fixture('multi-error.yaml'), { ROUTER_PASSWORD: 'pw' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message.split('\n');
    expect(message).toHaveLength(5);
    expect(message[1]).toBe(`${CONFIG_FILE}:20 routers[1]: unknown key "intervalls" (did you mean "intervals"?)`);
  });

  test('an unset variable joins the other problems', async () => {
    const issues = await issuesOf(load(fixture('multi-error.yaml'), {}));
    expect(lines(issues)[0]).toBe('9 defaults.password: environment variable ROUTER_PASSWORD is not set (or write ${ROUTER_PASSWORD:-fallback})');
    expect(issues).toHaveLength(6);
  });

  test('one router with several problems reports them all', async () => {
    const issues = await issuesOf(
      load(minimal('    timeout: 9s\n    intervalls: {}\n    ping: { via: icmp, count: 0 }\n    publicIp: home\n    traffic: { interfaces: eth1 }\n')),
    );
    // The schema's cross-field rules (timeout below intervals.report) need valid fields first,
    // so the 9s timeout is reported once the fields below are fixed.
    expect(lines(issues)).toEqual([
      '11 routers[0]: unknown key "intervalls" (did you mean "intervals"?)',
      '12 routers[0].ping.via: must be one of "router", "bridge"',
      '12 routers[0].ping.count: must be at least 1',
      '13 routers[0].publicIp: must be auto, none or an IPv4/IPv6 address',
      '14 routers[0].traffic.interfaces: must be "auto" or a list (got text)',
    ]);
  });

  test('a key with no near match lists the keys allowed there', async () => {
    const issues = await issuesOf(load(minimal('    ping: { probes: 3 }\n')));
    expect(lines(issues)).toEqual(['10 routers[0].ping: unknown key "probes" (allowed here: via, count)']);
  });

  test('a key written one level too high says which section it belongs under', async () => {
    const issues = await issuesOf(load(minimal('    interfaces: [ether1]\n')));
    expect(lines(issues)).toEqual(['10 routers[0]: unknown key "interfaces" here (it belongs under traffic:)']);
  });

  test('a router-level nezha: false is accepted (the router opts out of Nezha)', async () => {
    const config = await load(minimal('    nezha: false\n'));
    expect(config.routers[0]!.nezha).toBe(false);
  });

  test('required router keys say where they can go', async () => {
    const issues = await issuesOf(load('version: 1\nkomari: { url: https://k.example }\nrouters:\n  - name: gw\n    komari: { token: t }\n'));
    expect(lines(issues)).toEqual([
      '4 routers[0].url: missing',
      '4 routers[0].username: missing: set it in this router or under defaults:',
    ]);
    const onlyPassword = await issuesOf(
      load('version: 1\nkomari: { url: https://k.example }\nrouters:\n  - name: gw\n    url: http://10.0.0.1\n    username: u\n    komari: { token: t }\n'),
    );
    expect(lines(onlyPassword)).toEqual(['4 routers[0].password: password or passwordFile is required']);
  });

  test('without a komari: section the message says what to add', async () => {
    const issues = await issuesOf(load('version: 1\nrouters:\n  - { name: gw, url: http://10.0.0.1, username: u, password: p }\n'));
    expect(lines(issues)).toEqual([
      '2 komari: missing: routers report to Komari, so add a top-level komari: section with the server url: (or a nezha: section to report to Nezha only)',
      '3 routers[0].komari.token: missing: this router has no Komari token; set komari.token (or komari.tokenFile) here, or komari.autoDiscoveryKey at the top level to register it automatically',
    ]);
  });

  test('komari.autoDiscoveryKey lets routers go without a token', async () => {
    const config = await load(
      'version: 1\nkomari: { url: https://k.example, autoDiscoveryKey: "0123456789abcdef" }\nrouters:\n  - { name: gw, url: http://10.0.0.1, username: u, password: p }\n',
    );
    expect(config.routers[0]!.komari.token).toBeUndefined();
    expect(config.komari?.autoDiscoveryKey).toBe('0123456789abcdef');
  });

  test('router names are unique ignoring case', async () => {
    const issues = await issuesOf(
      load(minimal('  - { name: GW, url: http://10.0.0.2, username: u, password: p, komari: { token: t } }\n')),
    );
    expect(lines(issues)).toEqual(['10 routers[1].name: "GW" is already the name of routers[0] (line 5); router names must be unique, ignoring case']);
  });

  test('a list item that is not a mapping, and an empty router list', async () => {
    expect(lines(await issuesOf(load(minimal('  - just-a-name\n'))))).toEqual(['10 routers[1]: must be a mapping (got text)']);
    expect(lines(await issuesOf(load('version: 1\nkomari: { url: https://k.example }\nrouters: []\n')))).toEqual([
      '3 routers: list at least one router',
    ]);
  });
});

describe('YAML problems', () => {
  test('every syntax error is reported with its line', async () => {
    // Inline, not a fixture file: the linter parses YAML files and would refuse a broken one.
    const text = `# Several YAML syntax errors; all of them must be reported.
version: 1
komari:
  url: https://komari.example.com
 timeout: 5s
routers:
  - name: gw
    url: [http://192.168.88.1
  - name: b
    password: "unterminated
`;
    const issues = await issuesOf(load(text));
    expect(lines(issues)).toEqual([
      '5 : YAML syntax: All mapping items must start at the same column',
      '9 : YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '9 : YAML syntax: Nested mappings are not allowed in compact mappings',
      '9 : YAML syntax: Implicit keys need to be on a single line',
      '11 : YAML syntax: Missing closing "quote',
    ]);
  });

  test('duplicate keys are reported together with the schema problems', async () => {
    const text = minimal('    username: again\n    timeout: 1 hour\n');
    const issues = await issuesOf(load(text));
    expect(lines(issues)).toEqual([
      '10 routers[0]: duplicate key "username": a key may appear only once here',
      '11 routers[0].timeout: "1 hour" is not a duration (use e.g. "500ms", "5s", "10m", "1h")',
    ]);
  });

  test('tabs, several documents, an empty file, and an unknown alias each stop the load with a clear message', async () => {
    expect(lines(await issuesOf(load('version: 1\nrouters:\n\t- name: x\n')))).toEqual(['3 : tabs are not allowed for indentation; use spaces']);
    expect(lines(await issuesOf(load('version: 1\n---\nversion: 1\n')))).toEqual([
      '2 : the file holds more than one YAML document (a second "---"); keep one',
    ]);
    expect(lines(await issuesOf(load('# nothing yet\n')))).toEqual(['1 : the file is empty: it starts with "version: 1"']);
    expect(lines(await issuesOf(load('version: 1\nrouters: *fleet\n')))).toEqual(['2 routers: alias *fleet has no anchor &fleet before it']);
    expect(lines(await issuesOf(load('- version: 1\n')))).toEqual(['1 : the file must be a mapping of keys (version:, komari:, routers:, …)']);
  });

  test('anchors and aliases are followed', async () => {
    const config = await load(`version: 1
komari: { url: https://k.example }
defaults: { username: monitor, password: pw }
routers:
  - name: a
    url: http://10.0.0.1
    komari: { token: t1 }
    ping: &viaBridge { via: bridge, count: 5 }
  - name: b
    url: http://10.0.0.2
    komari: { token: t2 }
    ping: *viaBridge
`);
    expect(config.routers[1]!.ping).toEqual({ via: 'bridge', count: 5 });
  });
});

describe('secrets never appear in messages', () => {
  const SECRETS = ['hunter2-secret', '12345678', '987654321', 'sk-short', '55555555555555', 'list-secret'];

  test('wrong types and bad values of secret fields are described without their value', async () => {
    const text = `version: 1
komari:
  url: https://komari.example.com
  autoDiscoveryKey: sk-short
defaults:
  password: 12345678
routers:
  - name: a
    url: http://10.0.0.1
    username: u
    komari: { token: 987654321 }
  - name: b
    url: http://10.0.0.2
    username: u
    password: [list-secret]
    komari: { token: 55555555555555 }
`;
    const err = await load(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const all = `${(err as ConfigError).message}\n${JSON.stringify((err as ConfigError).issues)}`;
    for (const s of SECRETS) expect(all).not.toContain(s);
    expect(lines((err as ConfigError).issues)).toEqual([
      '4 komari.autoDiscoveryKey: must be at least 12 characters (Komari disables discovery for shorter keys)',
      '6 defaults.password: must be text (got a whole number); put it in quotes',
      '11 routers[0].komari.token: must be text (got a whole number); put it in quotes',
      '15 routers[1].password: must be text (got a list)',
      '16 routers[1].komari.token: must be text (got a whole number); put it in quotes',
    ]);
  });

  test('a syntax error on a line holding a password does not quote the line', async () => {
    for (const text of [
      'version: 1\npassword: "hunter2-secret\n',
      'version: 1\npassword: hunter2-secret: x\n',
      "version: 1\nrouters:\n  - password: 'hunter2-secret\n",
      'version: 1\nk: [a, b] hunter2-secret\n',
    ]) {
      const err = await load(text).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).not.toContain('hunter2');
    }
  });

  test('an unset variable in a password names the variable only', async () => {
    const issues = await issuesOf(load(minimal().replace('password: pw', 'password: x-${PW}'), { OTHER: 'hunter2-secret' }));
    expect(lines(issues)).toEqual(['8 routers[0].password: environment variable PW is not set (or write ${PW:-fallback})']);
  });

  test('IssueList masks any secret value that reaches a message', () => {
    const list = new IssueList();
    list.add({ path: 'routers[0].timeout', line: 3, message: '"topsecret" is not a duration' });
    list.add({ path: 'routers[0].tag', line: 4, message: 'abc is fine' });
    expect(list.toConfigIssues('f.yaml', ['topsecret', 'abc']).map((i) => i.message)).toEqual([
      '"***" is not a duration',
      'abc is fine',
    ]);
  });
});
