// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are configuration text, where ${VAR} is literal
import { describe, expect, test } from 'vitest';
import { loadConfig, loadConfigText, resolveConfigPath } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { CONFIG_FILE, issuesOf, lines, load, minimal } from './helpers.js';

describe('loadConfig', () => {
  test('a minimal file gets every default', async () => {
    const config = await load(minimal());
    expect(config.file).toBe(CONFIG_FILE);
    expect(config.komari).toEqual({ url: 'https://komari.example.com', timeout: 30_000 });
    expect(config.concurrency).toBe(32);
    expect(config.logLevel).toBe('info');
    expect(config.routers).toEqual([
      {
        name: 'gw',
        url: 'https://192.168.88.1',
        username: 'monitor',
        password: 'pw',
        tls: { verify: true, fingerprint: undefined, caPem: undefined },
        timeout: 4000,
        intervals: { report: 5000, basicInfo: 600_000, connections: 30_000, pingTasks: 60_000 },
        traffic: { interfaces: 'auto', maxLinkMbps: 100_000 },
        publicIp: 'auto',
        ping: { via: 'router', count: 3 },
        komari: { token: 'tok' },
        collectors: {
          health: { enabled: true, every: 60_000 },
          interfaces: { enabled: false, every: 15_000 },
          ethernet: { enabled: false, every: 60_000 },
          ppp: { enabled: false, every: 30_000 },
          dhcp: { enabled: false, every: 60_000 },
          wireless: { enabled: false, every: 30_000 },
          wireguard: { enabled: false, every: 30_000 },
          updates: { enabled: true, every: 21_600_000 },
          interfaceLimit: 64,
          dhcpServerLimit: 8,
          wirelessListLimit: 64,
        },
      },
    ]);
  });

  test('durations are read in every written form', async () => {
    const config = await load(
      minimal(`    timeout: 500ms
    intervals: { report: 2, basicInfo: 1h, connections: 1m30s, pingTasks: 10.5s }
`),
    );
    const r = config.routers[0]!;
    expect(r.timeout).toBe(500);
    expect(r.intervals).toEqual({ report: 2000, basicInfo: 3_600_000, connections: 90_000, pingTasks: 10_500 });
  });

  test('a duration out of range names the range', async () => {
    const issues = await issuesOf(load(minimal('    intervals: { report: 45s }\n')));
    expect(lines(issues)).toEqual(['10 routers[0].intervals.report: 45s is out of range (1s–30s)']);
  });

  test('the fingerprint is normalised to upper-case hex pairs with colons', async () => {
    const hex = '3fa95c0e71d28b44196ae0c357b82d904f11a6ee037c95d862b10af4c938e57d';
    const config = await load(minimal(`    tls: { fingerprint: "${hex}" }\n`));
    expect(config.routers[0]!.tls.fingerprint).toBe(hex.toUpperCase().match(/../g)!.join(':'));
  });

  test('state.dir is relative to the config file; then $STATE_DIRECTORY (first entry); then state/ next to the file', async () => {
    expect((await load(minimal('', 'state: { dir: data }\n'))).stateDir).toBe('/etc/tikprobe/data');
    expect((await load(minimal('', 'state: { dir: /var/lib/x }\n'), { STATE_DIRECTORY: '/srv/y' })).stateDir).toBe('/var/lib/x');
    expect((await load(minimal(), { STATE_DIRECTORY: '/var/lib/tikprobe:/var/lib/other' })).stateDir).toBe('/var/lib/tikprobe');
    expect((await load(minimal())).stateDir).toBe('/etc/tikprobe/state');
  });

  test('version 2 is refused with one clear issue, whatever else the file holds', async () => {
    const issues = await issuesOf(load('version: 2\nrouters: 5\nbogus: 1\npassword: ${UNSET}\nbogus: 2\n'));
    expect(lines(issues)).toEqual(['1 version: version 2 is not supported: this tikprobe reads version 1 (a newer tikprobe may read it)']);
  });

  test('a missing or non-numeric version is refused', async () => {
    expect(lines(await issuesOf(load('komari: { url: https://k.example }\n')))).toEqual([
      '1 version: missing: the file starts with "version: 1"',
    ]);
    expect(lines(await issuesOf(load('\nversion: "1"\n')))).toEqual(['2 version: must be the number 1 (got text)']);
  });

  test('a top-level nezha: section is loaded with its defaults and the secret from the environment', async () => {
    const config = await loadConfigText(
      minimal('', 'nezha:\n  server: nezha.example.com:443\n  secret: ${NEZHA_SECRET}\n'),
      CONFIG_FILE,
      { NEZHA_SECRET: 'agent-secret-value' },
    );
    expect(config.nezha).toMatchObject({ server: 'nezha.example.com:443', tls: true, insecureTls: false, reportInterval: 3000 });
  });

  test('nezha.server is host:port, read as status.listen is, and kept as written', async () => {
    const withServer = (server: string) => minimal('', `nezha:\n  server: ${JSON.stringify(server)}\n  secret: s\n`);
    for (const server of ['nezha.example.com:443', '192.0.2.7:8008', '[2001:db8::1]:443']) {
      expect((await load(withServer(server))).nezha?.server, server).toBe(server);
    }
    for (const server of ['nezha.example.com', 'nezha.example.com:0', '-nezha.example.com:443', 'a..b:443', '[nezha]:443', ' nezha.example.com:443']) {
      expect(lines(await issuesOf(load(withServer(server)))), server).toEqual(['5 nezha.server: must be host:port, e.g. nezha.example.com:443']);
    }
  });

  test('reads the file through readFile, resolving a relative path against cwd', async () => {
    const asked: string[] = [];
    const config = await loadConfig('conf/tikprobe.yaml', {}, {
      cwd: '/srv/app',
      readFile: async (p) => {
        asked.push(p);
        return minimal();
      },
    });
    expect(asked).toEqual(['/srv/app/conf/tikprobe.yaml']);
    expect(config.file).toBe('conf/tikprobe.yaml');
    expect(config.stateDir).toBe('/srv/app/conf/state');
  });

  test('an unreadable config file is one issue naming the file', async () => {
    const err = await loadConfig('/nope/config.yaml', {}, {
      readFile: async () => {
        throw Object.assign(new Error('boom'), { code: 'ENOENT' });
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('/nope/config.yaml: cannot read the configuration file: no such file');
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
  });
});

describe('resolveConfigPath', () => {
  const none = () => false;
  test('--config wins over everything', () => {
    expect(resolveConfigPath('/a.yaml', { TIKPROBE_CONFIG: '/b.yaml' }, () => true)).toBe('/a.yaml');
  });
  test('then $TIKPROBE_CONFIG', () => {
    expect(resolveConfigPath(undefined, { TIKPROBE_CONFIG: '/b.yaml' }, () => true)).toBe('/b.yaml');
  });
  test('then ./tikprobe.yaml when it exists', () => {
    const asked: string[] = [];
    const exists = (p: string) => {
      asked.push(p);
      return true;
    };
    expect(resolveConfigPath(undefined, {}, exists)).toBe('./tikprobe.yaml');
    expect(asked).toEqual(['tikprobe.yaml']);
  });
  test('then /etc/tikprobe/config.yaml', () => {
    expect(resolveConfigPath(undefined, { TIKPROBE_CONFIG: '' }, none)).toBe('/etc/tikprobe/config.yaml');
  });
});
