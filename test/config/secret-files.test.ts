import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { normaliseFingerprint, trimTrailingNewlines } from '../../src/config/secret-files.js';
import { ConfigError } from '../../src/errors.js';
import { issuesOf, lines, load, minimal } from './helpers.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function withFiles(routerBody: string, top = ''): string {
  return `version: 1
komari:
  url: https://komari.example.com
${top}routers:
  - name: gw
    url: https://192.168.88.1
    username: monitor
${routerBody}`;
}

describe('secret files', () => {
  test('passwordFile and komari.tokenFile are read with trailing newlines trimmed', async () => {
    const config = await load(withFiles('    passwordFile: /run/secrets/pw\n    komari: { tokenFile: /run/secrets/token }\n'), {}, {
      files: { '/run/secrets/pw': 'pa ss\n', '/run/secrets/token': 'tok-123\r\n' },
    });
    expect(config.routers[0]!.password).toBe('pa ss');
    expect(config.routers[0]!.komari.token).toBe('tok-123');
    expect(config.routers[0]).not.toHaveProperty('passwordFile');
  });

  test('relative paths resolve against the config file directory, not the current directory', async () => {
    const reads: string[] = [];
    await load(withFiles('    passwordFile: secrets/pw\n    tls: { ca: ca.pem }\n    komari: { token: t }\n'), {}, {
      files: { '/etc/tikprobe/secrets/pw': 'pw', '/etc/tikprobe/ca.pem': PEM },
      reads,
    });
    expect(reads.sort()).toEqual(['/etc/tikprobe/ca.pem', '/etc/tikprobe/secrets/pw']);
  });

  test('tls.ca is read into caPem', async () => {
    const config = await load(withFiles('    password: pw\n    tls: { ca: /etc/ssl/router.pem }\n    komari: { token: t }\n'), {}, {
      files: { '/etc/ssl/router.pem': PEM },
    });
    expect(config.routers[0]!.tls).toEqual({ verify: true, fingerprint: undefined, caPem: PEM });
    expect(config.routers[0]!.tls).not.toHaveProperty('ca');
  });

  test('an unreadable file is an issue naming the path (and its resolved form), at its line', async () => {
    const issues = await issuesOf(
      load(withFiles('    passwordFile: secrets/missing\n    tls: { ca: /etc/ssl/nope.pem }\n    komari: { tokenFile: /run/t }\n'), {}, {
        files: {},
      }),
    );
    expect(lines(issues)).toEqual([
      '8 routers[0].passwordFile: cannot read "secrets/missing" (/etc/tikprobe/secrets/missing): no such file',
      '9 routers[0].tls.ca: cannot read "/etc/ssl/nope.pem": no such file',
      '10 routers[0].komari.tokenFile: cannot read "/run/t": no such file',
    ]);
  });

  test('an empty secret file and a CA file that is not PEM are issues that never show the contents', async () => {
    const issues = await issuesOf(
      load(withFiles('    passwordFile: /run/pw\n    tls: { ca: /etc/ssl/ca.pem }\n    komari: { token: t }\n'), {}, {
        files: { '/run/pw': '\n\n', '/etc/ssl/ca.pem': 'sekrit-not-a-cert' },
      }),
    );
    expect(lines(issues)).toEqual([
      '8 routers[0].passwordFile: "/run/pw" is empty',
      '9 routers[0].tls.ca: "/etc/ssl/ca.pem" is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)',
    ]);
    expect(JSON.stringify(issues)).not.toContain('sekrit');
  });

  test('a passwordFile in defaults that cannot be read is reported once for all routers that inherit it', async () => {
    const text = `version: 1
komari: { url: https://komari.example.com }
defaults:
  username: monitor
  passwordFile: /run/pw
routers:
  - { name: a, url: http://10.0.0.1, komari: { token: t1 } }
  - { name: b, url: http://10.0.0.2, komari: { token: t2 } }
  - { name: c, url: http://10.0.0.3, password: own, komari: { token: t3 } }
  - { name: d, url: http://10.0.0.4, komari: { token: t4 } }
`;
    const reads: string[] = [];
    const issues = await issuesOf(load(text, {}, { files: {}, reads }));
    expect(lines(issues)).toEqual(['5 routers[0].passwordFile: cannot read "/run/pw": no such file (from defaults:; also routers[1], routers[3])']);
    expect(reads).toEqual(['/run/pw']);
  });

  describe('on the real file system', () => {
    let dir = '';
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('secret paths resolve next to the config file whatever the working directory', async () => {
      dir = await mkdtemp(join(tmpdir(), 'tikprobe-config-'));
      await mkdir(join(dir, 'secrets'));
      await writeFile(join(dir, 'secrets', 'pw'), 'from-file\n');
      await writeFile(join(dir, 'config.yaml'), minimal().replace('password: pw', 'passwordFile: secrets/pw'));
      const config = await loadConfig(join(dir, 'config.yaml'), {}, { cwd: '/' });
      expect(config.routers[0]!.password).toBe('from-file');
      expect(config.stateDir).toBe(join(dir, 'state'));
    });

    test('a missing secret file on disk is a ConfigError', async () => {
      dir = await mkdtemp(join(tmpdir(), 'tikprobe-config-'));
      await writeFile(join(dir, 'config.yaml'), minimal().replace('password: pw', 'passwordFile: nope'));
      const err = await loadConfig(join(dir, 'config.yaml'), {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.message)).toEqual([`cannot read "nope" (${join(dir, 'nope')}): no such file`]);
    });
  });
});

describe('pure helpers', () => {
  test('trimTrailingNewlines removes only line breaks at the end', () => {
    expect(trimTrailingNewlines(' a b \r\n\n')).toBe(' a b ');
    expect(trimTrailingNewlines('a\nb')).toBe('a\nb');
  });

  test('normaliseFingerprint accepts colons or none, any case', () => {
    expect(normaliseFingerprint('ab:cd:ef')).toBe('AB:CD:EF');
    expect(normaliseFingerprint('abcdef')).toBe('AB:CD:EF');
  });
});
