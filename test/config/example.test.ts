import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadConfigText } from '../../src/config/load.js';
import { configJsonSchema } from '../../src/config/schema.js';

const EXAMPLE_URL = new URL('../../config.example.yaml', import.meta.url);
const example = readFileSync(EXAMPLE_URL, 'utf8');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** Every variable the example's settings name (set or commented; not the header's prose), as a dummy. */
function dummyEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const settings = example.slice(example.indexOf('\nversion: 1'));
  for (const m of settings.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) env[m[1]!] = `dummy-${m[1]!.toLowerCase()}-value`;
  return env;
}

const FILES: Record<string, string> = {
  '/run/secrets/office-router': 'office-password\n',
  '/run/secrets/office-komari-token': 'office-token\n',
  '/etc/tikprobe/office-ca.pem': PEM,
};

function loadExample(env: Record<string, string | undefined>) {
  return loadConfigText(example, '/etc/tikprobe/config.yaml', env, {
    cwd: '/',
    readFile: async (path) => {
      const content = FILES[path];
      if (content === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return content;
    },
  });
}

describe('config.example.yaml', () => {
  test('names its secrets as variables', () => {
    expect(Object.keys(dummyEnv()).sort()).toEqual(['HOME_GW_TOKEN', 'KOMARI_DISCOVERY_KEY', 'LAB_TOKEN', 'NEZHA_AGENT_SECRET', 'PGPASSWORD', 'ROUTER_PASSWORD', 'TIKPROBE_STATUS_TOKEN']);
  });

  test('loads through the real loader into the routers it describes', async () => {
    const config = await loadExample(dummyEnv());
    expect(config.komari).toEqual({ url: 'https://komari.example.com', timeout: 30_000 });
    expect(config.stateDir).toBe('/etc/tikprobe/state');
    expect(config.concurrency).toBe(32);
    expect(config.logLevel).toBe('info');
    expect(config.routers.map((r) => r.name)).toEqual(['home-gw', 'office', 'lab']);
    const [home, office, lab] = config.routers;

    expect(home).toEqual({
      name: 'home-gw',
      url: 'https://192.168.88.1',
      tag: 'home',
      username: 'monitor',
      password: 'dummy-router_password-value',
      tls: {
        verify: true,
        fingerprint: '3F:A9:5C:0E:71:D2:8B:44:19:6A:E0:C3:57:B8:2D:90:4F:11:A6:EE:03:7C:95:D8:62:B1:0A:F4:C9:38:E5:7D',
        caPem: undefined,
      },
      timeout: 4000,
      intervals: { report: 5000, basicInfo: 600_000, connections: 30_000, pingTasks: 60_000 },
      traffic: { interfaces: ['pppoe-out1'], resetDay: 1, maxLinkMbps: 100_000 },
      publicIp: 'auto',
      ping: { via: 'router', count: 3 },
      komari: { token: 'dummy-home_gw_token-value' },
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
    });

    expect(office).toMatchObject({
      url: 'https://office-gw.example.net:8443',
      username: 'tikprobe',
      password: 'office-password',
      tls: { verify: true, fingerprint: undefined, caPem: PEM },
      intervals: { report: 10_000, basicInfo: 600_000, connections: 30_000, pingTasks: 60_000 },
      traffic: { interfaces: 'auto' },
      publicIp: '203.0.113.7',
      komari: { token: 'office-token' },
    });

    expect(lab).toMatchObject({
      url: 'http://10.0.0.1:8080',
      username: 'monitor',
      password: 'dummy-router_password-value',
      ping: { via: 'bridge', count: 3 },
      komari: { token: 'dummy-lab_token-value' },
    });
  });

  test('refuses to load with a secret variable unset, naming it', async () => {
    const env = { ...dummyEnv(), LAB_TOKEN: undefined };
    await expect(loadExample(env)).rejects.toThrow('environment variable LAB_TOKEN is not set');
  });

  test("the JSON Schema's top-level properties include every top-level key of the example", () => {
    const properties = Object.keys((configJsonSchema().properties ?? {}) as Record<string, unknown>);
    const keys = Object.keys(parse(example) as Record<string, unknown>);
    expect(keys.length).toBeGreaterThan(4);
    for (const key of keys) expect(properties).toContain(key);
  });

  test('every key of the schema is shown in the example, set or commented', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, unknown>)) {
        if (!new RegExp(`(^|[\\s{#-])${key}:`, 'm').test(example)) missing.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
      if (n.items) walk(n.items, `${path}[].`);
      if (Array.isArray(n.anyOf)) for (const alt of n.anyOf) walk(alt, path);
    };
    walk(configJsonSchema(), '');
    expect(missing).toEqual([]);
  });
});
