/**
 * Two builds side by side: the bridge of another built checkout (`--base`) and this one's, each
 * with its own simulated fleet (both simulators on CPU 0), both bridges on CPU 1 at the same
 * moments. This machine's cores change speed within seconds (bench/core-speed.mjs), which moves
 * any one run's CPU share by more than most changes do; two bridges measured over the same
 * windows see the same speed, so their ratio keeps what the change did. Each side also keeps a
 * cost level of its own (the same build against itself read 0.89 and 1.02), so judge a change
 * on several runs (`--runs`); the order of the starts alternates between runs.
 *
 *   npm run build && (cd ../other && npm run build) && node bench/paired-ab.mjs --base ../other [--routers 2000] [--window 60] [--runs 3] [--same]
 *
 * `--same` runs this checkout's build on both sides (the pairing's own spread); with
 * `--this-config 'concurrency: 128'` (YAML appended to this side's config) it compares a setting
 * instead of a build, and `--this-node-args=--max-semi-space-size=8` Node flags (after the
 * systemd unit's, so they win). Prints each
 * quarter of each window: both CPU shares and this/base; then the mean ratio per run and over all.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuMeter } from './lib/proc.mjs';
import { ROOT, sleep, startBridge, startSimProcess, stop, waitOnBeat } from './lib/processes.mjs';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    routers: { type: 'string', default: '2000' },
    window: { type: 'string', default: '60' },
    runs: { type: 'string', default: '3' },
    same: { type: 'boolean', default: false },
    'this-config': { type: 'string' },
    'this-node-args': { type: 'string' },
  },
});
if (values.base === undefined && !values.same) throw new Error('--base DIR (a built checkout to compare with) or --same');
const routers = Number(values.routers);
const windowS = Number(values.window);
const runs = Number(values.runs);
const baseRoot = values.same ? ROOT : resolve(values.base);

async function side(tag, root) {
  const dir = mkdtempSync(join(tmpdir(), `tikprobe-bench-pair-${tag}-`));
  const sim = await startSimProcess({ routers, conntrack: 1000, tls: true, dir }, { cpu: 0, hasTaskset: true, logFile: join(dir, 'sim.log') });
  if (tag === 'this' && values['this-config'] !== undefined) appendFileSync(sim.configFile, `\n${values['this-config']}\n`);
  return { tag, root, dir, sim, bridge: undefined };
}

async function pairedRun(baseFirst) {
  const sides = [await side('base', baseRoot), await side('this', ROOT)];
  const order = baseFirst ? sides : [...sides].reverse();
  try {
    for (const s of order) {
      const nodeFlags = s.tag === 'this' ? values['this-node-args'] : undefined;
      s.bridge = startBridge(s.sim.configFile, { cpu: '1', hasTaskset: true, logFile: join(s.dir, 'bridge.log'), root: s.root, nodeFlags });
      await sleep(200);
    }
    for (const s of sides) {
      await waitOnBeat(s.sim.receiverUrl, s.bridge, routers, { share: 0.99, intervalMs: 5000, toleranceMs: 1000, timeoutMs: 180_000 });
    }
    await sleep(5000);
    const ratios = [];
    for (let q = 0; q < 4; q++) {
      const [mb, mt] = sides.map((s) => cpuMeter(s.bridge.pid));
      await sleep((windowS * 1000) / 4);
      const base = mb().percentOfCore;
      const own = mt().percentOfCore;
      ratios.push(own / base);
      console.log(`  base ${base.toFixed(1)} %, this ${own.toFixed(1)} %, this/base ${(own / base).toFixed(3)}`);
    }
    return ratios.reduce((a, b) => a + b, 0) / ratios.length;
  } finally {
    for (const s of sides) {
      if (s.bridge) await stop(s.bridge.child);
      await stop(s.sim.child);
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

const means = [];
for (let i = 0; i < runs; i++) {
  const baseFirst = i % 2 === 0;
  console.log(`run ${i + 1}: ${routers} HTTPS routers a side, ${baseFirst ? 'base' : 'this'} started first`);
  means.push(await pairedRun(baseFirst));
  console.log(`  mean this/base ${means[i].toFixed(3)}`);
}
console.log(`over ${runs} runs: this/base ${(means.reduce((a, b) => a + b, 0) / runs).toFixed(3)} (runs ${means.map((m) => m.toFixed(3)).join(', ')})`);
