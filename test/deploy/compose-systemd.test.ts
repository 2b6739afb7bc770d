import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const UNIT = join(ROOT, 'systemd', 'tikprobe.service');

function which(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

describe('compose.yaml', () => {
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const svc = compose.services.tikprobe!;

  it('mounts the config read-only at /config/tikprobe.yaml and keeps state in a named volume at /data', () => {
    expect(svc.volumes).toEqual(['./tikprobe.yaml:/config/tikprobe.yaml:ro', 'tikprobe-data:/data']);
    expect(Object.keys(compose.volumes)).toEqual(['tikprobe-data']);
  });

  it('drops every capability but NET_RAW, which the node binary needs to start and to ping', () => {
    expect(svc.cap_drop).toEqual(['ALL']);
    expect(svc.cap_add).toEqual(['NET_RAW']);
    expect(svc.security_opt).toBeUndefined();
    expect(svc.read_only).toBe(true);
  });

  it('restarts unless stopped, publishes the status server on the host loopback only and reads secrets from .env', () => {
    expect(svc.restart).toBe('unless-stopped');
    expect(svc.ports).toEqual(['127.0.0.1:9464:9464']);
    expect(svc.env_file).toBe('.env');
    expect(svc.build).toBe('.');
  });
});

describe('systemd/tikprobe.service', () => {
  const unit = readFileSync(UNIT, 'utf8');
  const settings = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!]);
  }
  const one = (key: string) => settings.get(key)?.at(-1);

  it('restarts on failure but never on a configuration error (exit 78) or an unwritable state.dir (exit 73)', () => {
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')?.split(' ').sort()).toEqual(['73', '78']);
  });

  it('is Type=notify with a watchdog, accepting notifications from the main process only', () => {
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('main');
    expect(one('WatchdogSec')).toBe('60s');
  });

  it('runs as a dynamic user with its state and configuration directories and only CAP_NET_RAW', () => {
    expect(one('DynamicUser')).toBe('yes');
    expect(one('StateDirectory')).toBe('tikprobe');
    expect(one('ConfigurationDirectory')).toBe('tikprobe');
    expect(one('AmbientCapabilities')).toBe('CAP_NET_RAW');
    expect(one('CapabilityBoundingSet')).toBe('CAP_NET_RAW');
    for (const [k, v] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
    ]) {
      expect(one(k!), k).toBe(v);
    }
    // V8 needs writable-then-executable memory.
    expect(settings.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('sets the memory settings the benchmarks measured: a small young generation, fixed malloc thresholds', () => {
    expect(settings.get('Environment')).toEqual(
      expect.arrayContaining(['NODE_OPTIONS=--max-semi-space-size=4', 'MALLOC_MMAP_THRESHOLD_=65536', 'MALLOC_TRIM_THRESHOLD_=65536']),
    );
  });

  it('reads secrets from an optional environment file and reloads with SIGHUP', () => {
    expect(one('EnvironmentFile')).toBe('-/etc/tikprobe/env');
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(one('ExecStart')).toBe('/usr/bin/env tikprobe run --config /etc/tikprobe/config.yaml');
  });

  it.skipIf(!which('systemd-analyze'))('passes systemd-analyze verify without a warning', () => {
    const result = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    // Warnings about other units on this machine are not ours; any line naming this unit is.
    const ours = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.includes('tikprobe'));
    expect(ours).toEqual([]);
    expect(result.status).toBe(0);
  });

  it.skipIf(which('systemd-analyze'))('systemd-analyze verify: SKIPPED, systemd-analyze is not installed on this machine', () => {
    expect(which('systemd-analyze')).toBe(false);
  });
});
