/** Starting and stopping the benchmark's child processes. */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `taskset -c <cpu>` when the tool exists and the machine has that CPU, so two processes do not share a core. */
function pinned(cpu, command, args, hasTaskset) {
  return hasTaskset && cpu !== undefined ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/**
 * Starts the simulator + receiver process and waits for its READY line.
 * `cpu`: the core to pin it to (undefined: no pinning).
 */
export async function startSimProcess(options, { cpu, hasTaskset, logFile }) {
  const [cmd, args] = pinned(cpu, process.execPath, [join(ROOT, 'bench', 'lib', 'sim-process.mjs'), JSON.stringify(options)], hasTaskset);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stderr.pipe(log);
  const ready = await new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        child.stdout.off('data', onData);
        child.stdout.pipe(log);
        resolve(JSON.parse(line.slice(6)));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before it was ready; see ${logFile}`)));
  });
  return { child, pid: child.pid, ...ready };
}

/** The shipped systemd unit's `Environment=NAME=value` lines. */
const UNIT_ENV = Object.fromEntries(
  readFileSync(join(ROOT, 'systemd', 'tikprobe.service'), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const m = /^Environment=([A-Z_]+)=(.+)$/.exec(line.trim());
      return m ? [[m[1], m[2]]] : [];
    }),
);
/**
 * The bridge runs with the unit's memory settings, read from it rather than copied here: its
 * Node flags (a small young generation, as the Docker image sets it too) and glibc's malloc
 * thresholds (the Docker image's musl ignores those).
 */
const UNIT_NODE_ARGS = (UNIT_ENV.NODE_OPTIONS ?? '').split(' ').filter((a) => a !== '');
const UNIT_MALLOC_ENV = Object.fromEntries(Object.entries(UNIT_ENV).filter(([name]) => name.startsWith('MALLOC_')));

/** Starts `node dist/cli.js run --config FILE` (the real bridge; `root`: another built checkout's), optionally with a preload. */
export function startBridge(configFile, { cpu, hasTaskset, logFile, env = {}, preload, profileDir, root = ROOT, nodeFlags }) {
  // TIKPROBE_BENCH_NODE_ARGS (or `nodeFlags`, one bridge's): extra Node/V8 flags for an experiment (space-separated), e.g. `--trace-gc`.
  const extra = (nodeFlags ?? process.env.TIKPROBE_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const nodeArgs = [...UNIT_NODE_ARGS, ...extra, ...(preload ? ['--import', preload] : [])];
  // A CPU profile of the whole run, written at exit (the bench's SIGTERM), for `--profile DIR`.
  if (profileDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', profileDir);
  const [cmd, args] = pinned(cpu, process.execPath, [...nodeArgs, join(root, 'dist', 'cli.js'), 'run', '--config', configFile], hasTaskset);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...UNIT_MALLOC_ENV, ...process.env, ...env } });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  // With taskset, taskset execs node: the pid stays the same process.
  return { child, pid: child.pid };
}

/** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). Resolves with the exit code. */
export function stop(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * GET a JSON document. Each request on a connection of its own (`reset`): a busy simulator
 * closing an idle keep-alive connection just as the next poll reuses it answered ECONNRESET
 * at 10 000 routers; a transport error is retried twice.
 */
export async function getJson(url, dispatcher) {
  return JSON.parse(await getText(url, dispatcher));
}

export async function getText(url, dispatcher, attempts = 3) {
  const { request } = await import('undici');
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await request(url, { reset: true, ...(dispatcher ? { dispatcher } : {}) });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw Object.assign(new Error(`GET ${url}: ${res.statusCode}`), { status: res.statusCode });
      return text;
    } catch (err) {
      if (err.status !== undefined || attempt >= attempts) throw err;
      await sleep(250 * attempt);
    }
  }
}

/** A TCP port on loopback that was free a moment ago. */
export async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls the receiver's `/sim/summary` (with `query`, e.g. a beat to count the routers keeping
 * it) every `everyMs` until `done(summary)` or `timeoutMs`,
 * and returns the last summary. Throws at once when the bridge has exited.
 */
export async function waitForSummary(receiverUrl, bridge, done, { timeoutMs, everyMs, query = '' }) {
  const until = Date.now() + timeoutMs;
  let s = { nodes: 0, reporting: 0, reports: 0, rejected: 0 };
  while (Date.now() < until) {
    if (bridge.child.exitCode !== null) throw new Error(`the bridge exited with ${bridge.child.exitCode}`);
    s = await getJson(`${receiverUrl}/sim/summary${query}`);
    if (done(s)) return s;
    await sleep(everyMs);
  }
  return s;
}

/**
 * Waits (at most `timeoutMs`) until `share` of the `routers` keep their beat: their last three
 * reports one `intervalMs` apart within `toleranceMs`. Returns the last summary.
 */
export function waitOnBeat(receiverUrl, bridge, routers, { share, intervalMs, toleranceMs, timeoutMs }) {
  return waitForSummary(receiverUrl, bridge, (s) => s.onBeat >= share * routers, {
    timeoutMs,
    everyMs: 500,
    query: `?interval=${intervalMs}&tolerance=${toleranceMs}`,
  });
}

/** Warnings and errors the bridge logged (pino JSON lines), by error code: a clean run has none. */
export function bridgeLogSummary(logFile) {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return { warnings: 0, errors: 0, codes: {}, overload: false };
  }
  let overload = false;
  let warnings = 0;
  let errors = 0;
  const codes = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (/overload/i.test(String(entry.msg ?? '')) || entry.code === 'BRIDGE_OVERLOADED') overload = true;
    if (entry.level === 40) warnings++;
    else if (entry.level >= 50) errors++;
    else continue;
    const code = entry.code ?? entry.msg ?? 'other';
    codes[code] = (codes[code] ?? 0) + 1;
  }
  return { warnings, errors, codes, overload };
}
