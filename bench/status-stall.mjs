/**
 * How long GET /status and GET /metrics hold the bridge's event loop at a large fleet: the
 * simulator (plain HTTP) and this script on CPU 0, the bridge alone on CPU 1, as the fleet
 * benchmark runs them. After a warm-up, each request is made in a quiet 6 s of its own: the
 * event loop's longest delay (the preloaded probe of bench/lib/event-loop-probe.mjs) is read
 * before and with the request, and the reply's size and time are printed. Not part of
 * `npm run bench` (bench/README.md, "Status and metrics of a large fleet").
 *   npm run build && taskset -c 0 node bench/status-stall.mjs [--fleet 5000] [--warmup 45]
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, ROOT, sleep, startBridge, startSimProcess, stop } from './lib/processes.mjs';

const { values } = parseArgs({ options: { fleet: { type: 'string', default: '5000' }, warmup: { type: 'string', default: '45' } } });
const routers = Number(values.fleet);
const dir = mkdtempSync(join(tmpdir(), 'tikprobe-bench-status-'));
const sim = await startSimProcess({ routers, conntrack: 1000, tls: false, dir }, { cpu: 0, hasTaskset: true, logFile: join(dir, 'sim.log') });
const port = await freePort();
appendFileSync(sim.configFile, `status:\n  listen: 127.0.0.1:${port}\n`);
const eldFile = join(dir, 'event-loop.json');
const bridge = startBridge(sim.configFile, {
  cpu: '1',
  hasTaskset: true,
  logFile: join(dir, 'bridge.log'),
  preload: join(ROOT, 'bench', 'lib', 'event-loop-probe.mjs'),
  env: { TIKPROBE_BENCH_ELD_FILE: eldFile },
});
const loopMax = () => JSON.parse(readFileSync(eldFile, 'utf8')).maxMs;
try {
  await sleep(Number(values.warmup) * 1000);
  console.log(`${routers} routers (plain HTTP); event-loop longest delay in a quiet 6 s, then in 6 s with the request`);
  console.log('request    reply size  reply time  loop max before  loop max with');
  for (const path of ['/status', '/metrics', '/status', '/metrics']) {
    bridge.child.kill('SIGUSR2');
    await sleep(6000);
    const before = loopMax();
    bridge.child.kill('SIGUSR2');
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    const body = await res.text();
    const ms = performance.now() - t0;
    await sleep(Math.max(0, 6000 - ms));
    const row = [path.padEnd(9), `${(body.length / 1e6).toFixed(1)} MB`.padStart(11), `${ms.toFixed(0)} ms`.padStart(11), `${before} ms`.padStart(16), `${loopMax()} ms`.padStart(14)];
    console.log(row.join('  '));
  }
} finally {
  await stop(bridge.child);
  await stop(sim.child);
  rmSync(dir, { recursive: true, force: true });
}
