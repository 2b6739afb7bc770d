/**
 * Runs the benchmarks against the built bridge (`npm run bench` builds first).
 *   node bench/run.mjs [router-cost] [fleet-scale] [--quick] [--window S] [--fleet 1000,5000] [--overload] [--conntrack 1000,10000,100000] [--plain] [--keep] [--profile DIR] [--workers N] [--bridge-cpus 0,1]
 * --overload adds the 10 000-router run; --profile writes the bridge's CPU profile (--cpu-prof) to DIR.
 * --quick (100 routers, short windows) and --fleet/--conntrack runs do not overwrite the committed *-latest.json.
 * Routers are served over HTTPS with the certificate pinned, as recommended; --plain serves plain HTTP.
 * --keep keeps every run's config and logs (their directory is printed).
 * Prints a table per benchmark with PASS/FAIL targets and writes JSON to bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fleetScale, printFleetScale } from './fleet-scale.mjs';
import { machine } from './lib/machine.mjs';
import { ROOT } from './lib/processes.mjs';
import { writeResult } from './lib/report.mjs';
import { printRouterCost, routerCost } from './router-cost.mjs';
import { printRouterCostExtended, routerCostExtended } from './router-cost-extended.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    window: { type: 'string' },
    warmup: { type: 'string' },
    fleet: { type: 'string' },
    conntrack: { type: 'string' },
    plain: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    'bridge-cpus': { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    overload: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const list = (text) => text.split(',').map((v) => Number(v.trim())).filter((n) => Number.isInteger(n) && n > 0);
const which = positionals.length > 0 ? positionals : ['router-cost', 'fleet-scale'];
const windowS = Number(values.window ?? (values.quick ? 20 : 60));
/** Connection counts run every 30 s: a router-cost window holds whole 30 s periods, or it would miss or over-weigh them. */
const COUNTS_PERIOD_S = 30;
const costWindowS = Math.max(COUNTS_PERIOD_S, Math.ceil(windowS / COUNTS_PERIOD_S) * COUNTS_PERIOD_S);
const warmupS = Number(values.warmup ?? 10);
// Only a full default run is what bench/results/*-latest.json records.
const latest = !values.quick && values.workers === '1' && values['bridge-cpus'] === '1' && values.fleet === undefined && values.conntrack === undefined && values.window === undefined;
const tls = !values.plain;
// A full run judges every target: over HTTPS 1 000, 5 000 and the 10 000-router overload run, then 5 000 over plain HTTP.
const fullRun = latest && tls;
const fleetSizes = [...(values.fleet ? list(values.fleet) : values.quick ? [100] : [1000, 5000]), ...(values.overload || fullRun ? [10_000] : [])];
const conntrackSizes = values.conntrack ? list(values.conntrack) : values.quick ? [1000, 100_000] : [1000, 10_000, 100_000];

const cli = join(ROOT, 'dist', 'cli.js');
if (!existsSync(cli) || !existsSync(join(ROOT, 'packages', 'sim', 'dist', 'simulate.js'))) {
  console.error('dist/ or packages/sim/dist/ is missing: run "npm run build" first (npm run bench does).');
  process.exit(1);
}
const help = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
if (!/\brun\b/.test(help)) {
  console.error('dist/cli.js has no "run" command yet.');
  process.exit(1);
}
const env = machine();
let hasTaskset = false;
try {
  execFileSync('taskset', ['-c', '0', 'true']);
  hasTaskset = env.cores >= 2;
} catch {
  hasTaskset = false;
}

const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
console.log(`machine: ${env.cores} cores (${env.cpuModel}), Node ${env.node}, ${env.os}; pinning: ${hasTaskset ? 'simulator on CPU 0, bridge on CPU 1' : 'none'}; routers over ${tls ? 'HTTPS (pinned)' : 'plain HTTP'}`);
const started = Date.now();
let failed = false;

if (which.includes('router-cost')) {
  const result = await routerCost({ sizes: conntrackSizes, windowS: costWindowS, hasTaskset, tls, keep: values.keep, log });
  console.log(`\nRouter cost (one router, report every 5 s)\n${printRouterCost(result)}\n`);
  const extended = await routerCostExtended({ windowS: Math.max(60, costWindowS), hasTaskset, tls, keep: values.keep, log });
  console.log(`\nRouter cost, every extended collector on (one router, report every 5 s)\n${printRouterCostExtended(extended)}\n`);
  const file = writeResult('router-cost', { bench: 'router-cost', date: new Date().toISOString(), machine: env, command, pinned: hasTaskset, tls, ...result, extended }, { latest });
  console.log(`written: ${file}\n`);
  failed ||= result.targets.some((t) => !t.pass) || extended.targets.some((t) => !t.pass);
}
if (which.includes('fleet-scale')) {
  const result = await fleetScale({ sizes: fleetSizes, windowS, warmupS, hasTaskset, tls, keep: values.keep, log, profileDir: values.profile, workers: Number(values.workers), bridgeCpus: values['bridge-cpus'] });
  console.log(`\nFleet scale (report every 5 s, on time = within 1 s of schedule)\n${printFleetScale(result)}\n`);
  const file = writeResult('fleet-scale', { bench: 'fleet-scale', date: new Date().toISOString(), machine: env, command, pinned: hasTaskset, tls, windowS, warmupS, ...result }, { latest });
  console.log(`written: ${file}\n`);
  failed ||= result.targets.some((t) => !t.pass);
  if (fullRun) {
    const plain = await fleetScale({ sizes: [5000], windowS, warmupS, hasTaskset, tls: false, keep: values.keep, log, workers: 1, bridgeCpus: '1' });
    console.log(`\nFleet scale over plain HTTP (report every 5 s, on time = within 1 s of schedule)\n${printFleetScale(plain)}\n`);
    const plainFile = writeResult('fleet-scale-plain', { bench: 'fleet-scale', date: new Date().toISOString(), machine: env, command, pinned: hasTaskset, tls: false, windowS, warmupS, ...plain }, { latest });
    console.log(`written: ${plainFile}\n`);
    failed ||= plain.targets.some((t) => !t.pass);
  }
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = failed ? 1 : 0;
