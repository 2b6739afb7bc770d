import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TikprobeError } from '../../src/errors.js';
import { type BridgeIcmp, createBridgeIcmp, type IcmpSession, isPermissionError, netPingSessionFactory } from '../../src/probes/bridge-icmp.js';
import { captureLogger } from './support/log-capture.js';

/** Whether this test process may open raw ICMP sockets (root or CAP_NET_RAW). */
function rawSocketsPermitted(): { ok: boolean; why: string } {
  try {
    const session = netPingSessionFactory()(4);
    session.close();
    return { ok: true, why: '' };
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
}

const permission = rawSocketsPermitted();
if (!permission.ok) {
  console.warn(`bridge-icmp.test: raw ICMP sockets are not permitted here (${permission.why}); the real ping to 127.0.0.1 is SKIPPED, the permission-error path is tested instead`);
}

/** raw-socket throws exactly this when socket() fails with EPERM: a plain Error, strerror text, no code. */
const eperm = () => new Error('Operation not permitted');

/** A session that answers like net-ping, driven by the test. */
function fakeSession(answer: (target: string, cb: (error: Error | null, target: string) => void) => void): IcmpSession & { closed: boolean; emitError(e: Error): void } {
  let onError: ((e: Error) => void) | undefined;
  const s = {
    closed: false,
    pingHost: (target: string, cb: (error: Error | null, target: string) => void) => answer(target, cb),
    close: () => {
      s.closed = true;
    },
    on: (_event: 'error', listener: (e: Error) => void) => {
      onError = listener;
    },
    emitError: (e: Error) => onError?.(e),
  };
  return s;
}

describe('BridgeIcmp', () => {
  let icmp: BridgeIcmp | undefined;
  afterEach(() => {
    icmp?.close();
    icmp = undefined;
    vi.useRealTimers();
  });

  it.skipIf(!permission.ok)('pings 127.0.0.1 for real through net-ping', async () => {
    const { logger, at } = captureLogger();
    icmp = createBridgeIcmp(logger);
    expect(icmp.available()).toBe(true);
    const rtts = [await icmp.ping('127.0.0.1', 1000), await icmp.ping('127.0.0.1', 1000), await icmp.ping('127.0.0.2', 1000)];
    for (const rtt of rtts) {
      expect(rtt).toBeTypeOf('number');
      expect(rtt).toBeGreaterThan(0);
      expect(rtt).toBeLessThan(1000);
    }
    expect(at('error')).toEqual([]);
  });

  it('without raw-socket permission: one clear error saying how to grant it, then unavailable', async () => {
    const { logger, at } = captureLogger();
    const factory = vi.fn((_family: 4 | 6): IcmpSession => {
      throw eperm();
    });
    icmp = createBridgeIcmp(logger, { sessionFactory: factory });
    expect(icmp.available()).toBe(false);
    expect(icmp.available()).toBe(false);
    await expect(icmp.ping('127.0.0.1', 100)).rejects.toSatisfy((e) => e instanceof TikprobeError && e.code === 'PING_UNAVAILABLE');
    expect(factory).toHaveBeenCalledTimes(1);
    const errors = at('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('PING_UNAVAILABLE');
    expect(errors[0]?.msg).toContain('--cap-add NET_RAW');
    expect(errors[0]?.msg).toContain('AmbientCapabilities=CAP_NET_RAW');
    expect(errors[0]?.msg).toContain('setcap cap_net_raw+ep');
  });

  it('recognises EPERM and EACCES by code or by strerror text', () => {
    expect(isPermissionError(eperm())).toBe(true);
    expect(isPermissionError(new Error('Permission denied'))).toBe(true);
    expect(isPermissionError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(true);
    expect(isPermissionError(new Error('Address family not supported by protocol'))).toBe(false);
    expect(isPermissionError('EPERM')).toBe(false);
  });

  it('reports a native addon that failed to build once, with how to rebuild it', async () => {
    const { logger, at } = captureLogger();
    const load = vi.fn(() => {
      throw new Error("Cannot find module '../build/Release/raw.node'");
    });
    icmp = createBridgeIcmp(logger, { sessionFactory: netPingSessionFactory(load) });
    expect(icmp.available()).toBe(false);
    await expect(icmp.ping('127.0.0.1', 100)).rejects.toThrow(/unavailable/);
    const errors = at('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/native addon is not built.*python3, make and g\+\+/);
    expect(errors[0]?.err).toContain('raw.node');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('returns the RTT of a reply and undefined for an ICMP error', async () => {
    const { logger } = captureLogger();
    icmp = createBridgeIcmp(logger, {
      sessionFactory: () =>
        fakeSession((target, cb) => setTimeout(() => cb(target === '192.0.2.9' ? new Error('Destination unreachable') : null, target), 5)),
    });
    expect(await icmp.ping('192.0.2.1', 1000)).toBeGreaterThan(0);
    expect(await icmp.ping('192.0.2.9', 1000)).toBeUndefined();
  });

  it('times out on its own, before the session would', async () => {
    vi.useFakeTimers();
    const { logger } = captureLogger();
    icmp = createBridgeIcmp(logger, { sessionFactory: () => fakeSession(() => {}) });
    const pending = icmp.ping('192.0.2.1', 300);
    await vi.advanceTimersByTimeAsync(299);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toBeUndefined();
  });

  it('opens one session per address family, and reopens one after a socket error', async () => {
    const { logger, at } = captureLogger();
    const sessions: ReturnType<typeof fakeSession>[] = [];
    const families: number[] = [];
    icmp = createBridgeIcmp(logger, {
      sessionFactory: (family) => {
        families.push(family);
        const s = fakeSession((t, cb) => cb(null, t));
        sessions.push(s);
        return s;
      },
    });
    await icmp.ping('192.0.2.1', 100);
    await icmp.ping('192.0.2.2', 100);
    await icmp.ping('2001:db8::1', 100);
    expect(families).toEqual([4, 6]);
    sessions[0]?.emitError(new Error('socket broke'));
    expect(sessions[0]?.closed).toBe(true);
    expect(at('warn')).toHaveLength(1);
    await icmp.ping('192.0.2.1', 100);
    expect(families).toEqual([4, 6, 4]);
    icmp.close();
    expect(sessions.every((s) => s.closed)).toBe(true);
  });

  it('counts targets of a family without a socket as lost (IPv4 works, IPv6 does not)', async () => {
    const { logger, at } = captureLogger();
    icmp = createBridgeIcmp(logger, {
      sessionFactory: (family) => {
        if (family === 6) throw new Error('Address family not supported by protocol');
        return fakeSession((t, cb) => cb(null, t));
      },
    });
    expect(icmp.available()).toBe(true);
    expect(await icmp.ping('2001:db8::1', 100)).toBeUndefined();
    expect(await icmp.ping('2001:db8::2', 100)).toBeUndefined();
    expect(await icmp.ping('192.0.2.1', 100)).toBeTypeOf('number');
    expect(at('warn')).toHaveLength(1);
    expect(at('error')).toHaveLength(0);
  });

  it('rejects a host name: net-ping takes IP addresses only', async () => {
    const { logger } = captureLogger();
    icmp = createBridgeIcmp(logger, { sessionFactory: () => fakeSession((t, cb) => cb(null, t)) });
    await expect(icmp.ping('example.com', 100)).rejects.toThrow(/IP address/);
  });
});

/**
 * The real EPERM, end to end: the module (transpiled) runs in a child process that may not
 * open raw sockets — dropped from the capability bounding set with setpriv when this test
 * runs as root, or as it is when this process already lacks the permission.
 */
describe('BridgeIcmp without CAP_NET_RAW (child process)', () => {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const isRoot = process.getuid?.() === 0;
  const runnable = !permission.ok || (isRoot && setpriv !== undefined);

  it.skipIf(!runnable)('logs the one PING_UNAVAILABLE error with the grant instructions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tikprobe-icmp-'));
    try {
      for (const rel of ['src/probes/bridge-icmp.ts', 'src/probes/deadline.ts', 'src/time/cancel.ts', 'src/errors.ts']) {
        const source = readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');
        const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel.replace(/\.ts$/, '.js')), js);
      }
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      writeFileSync(
        join(dir, 'run.js'),
        `import { createBridgeIcmp } from './src/probes/bridge-icmp.js';
const lines = [];
const log = (level) => (fields, msg) => lines.push({ level, ...fields, msg });
const logger = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') };
logger.child = () => logger;
const icmp = createBridgeIcmp(logger);
const first = icmp.available();
const second = icmp.available();
let pingError;
try { await icmp.ping('127.0.0.1', 500); } catch (e) { pingError = e.code; }
console.log(JSON.stringify({ first, second, pingError, lines }));
`,
      );
      const node = [process.execPath, join(dir, 'run.js')];
      const argv = permission.ok ? [setpriv as string, '--inh-caps=-net_raw', '--bounding-set=-net_raw', ...node] : node;
      const out = execFileSync(argv[0] as string, argv.slice(1), {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: fileURLToPath(new URL('../../node_modules', import.meta.url)) },
      });
      const report = JSON.parse(out) as { first: boolean; second: boolean; pingError: string; lines: { level: string; msg: string; code?: string }[] };
      expect(report.first).toBe(false);
      expect(report.second).toBe(false);
      expect(report.pingError).toBe('PING_UNAVAILABLE');
      const errors = report.lines.filter((l) => l.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.code).toBe('PING_UNAVAILABLE');
      expect(errors[0]?.msg).toMatch(/may not open raw sockets.*--cap-add NET_RAW.*AmbientCapabilities=CAP_NET_RAW.*setcap cap_net_raw\+ep/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
