/**
 * Fleet scale: the real bridge (`node dist/cli.js run`) reporting 100, 1 000 and 5 000
 * simulated routers every 5 s to the built-in receiver. The simulator and receiver run in
 * another process (pinned to another core when `taskset` exists), so the bridge's CPU,
 * memory and event-loop figures are its own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseLateness } from '@tikprobe/sim/lateness.js';
import { cpuMeter, memory } from './lib/proc.mjs';
import { bridgeLogSummary, getJson, ROOT, sleep, startBridge, startSimProcess, stop, waitForSummary } from './lib/processes.mjs';
import { mb, table, verdict } from './lib/report.mjs';

const INTERVAL_MS = 5000;
const TOLERANCE_MS = 1000;
/** How long the fleet may take until every router has reported once. */
const MAX_STARTUP_MS = 120_000;
const TARGET = { routers: 1000, onTime: 0.995, cpuPercent: 30, rssBytes: 200 * 1024 * 1024 };

export async function fleetScale({ sizes, windowS, warmupS, hasTaskset, tls, keep, log }) {
  const runs = [];
  for (const routers of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `tikprobe-bench-fleet-${routers}-`));
    log(`fleet scale: ${routers} routers, warm-up (≥ ${warmupS} s, until all report) + ${windowS} s window …`);
    const started = Date.now();
    const sim = await startSimProcess({ routers, conntrack: 1000, tls, dir }, { cpu: 0, hasTaskset, logFile: join(dir, 'sim.log') });
    const simReadyS = (Date.now() - started) / 1000;
    const eldFile = join(dir, 'event-loop.json');
    const bridgeStart = Date.now();
    const bridgeLog = join(dir, 'bridge.log');
    let kept = true;
    const bridge = startBridge(sim.configFile, {
      cpu: 1,
      hasTaskset,
      logFile: bridgeLog,
      preload: join(ROOT, 'bench', 'lib', 'event-loop-probe.mjs'),
      env: { TIKPROBE_BENCH_ELD_FILE: eldFile },
    });
    try {
      // Warm-up: until every router has reported once plus one cycle, and at least `warmupS`.
      const early = await waitForSummary(sim.receiverUrl, bridge, (s) => s.reporting >= routers, { timeoutMs: MAX_STARTUP_MS, everyMs: 500 });
      const allReportingS = (Date.now() - bridgeStart) / 1000;
      const rest = Math.max(warmupS * 1000 - (Date.now() - bridgeStart), INTERVAL_MS);
      await sleep(rest);
      const windowStart = Date.now();
      bridge.child.kill('SIGUSR2');
      const bridgeCpu = cpuMeter(bridge.pid);
      const simCpu = cpuMeter(sim.pid);
      await sleep(windowS * 1000);
      const cpu = bridgeCpu();
      const simLoad = simCpu();
      const mem = memory(bridge.pid);
      const windowEnd = Date.now();
      const nodes = await getJson(`${sim.receiverUrl}/sim/nodes`);
      let eventLoop;
      try {
        eventLoop = JSON.parse(readFileSync(eldFile, 'utf8'));
      } catch {
        eventLoop = undefined;
      }
      const stopStart = Date.now();
      const exitCode = await stop(bridge.child);
      // As specified: each router's schedule starts at its first report, here the first one
      // inside the measuring window, so start-up (the first poll also fetches the static
      // facts) is left to the warm-up. The same from the very first report is kept too.
      const schedule = { intervalMs: INTERVAL_MS, toleranceMs: TOLERANCE_MS, windowStart, windowEnd };
      const lateness = summariseLateness(
        nodes.map((n) => n.reportTimes.filter((t) => t >= windowStart && t <= windowEnd)),
        schedule,
      );
      const fromStart = summariseLateness(
        nodes.map((n) => n.reportTimes.filter((t) => t <= windowEnd)),
        { ...schedule, windowStart: bridgeStart },
      );
      runs.push({
        routers,
        simReadyS,
        firstReportsS: { allReporting: early.reporting >= routers, reporting: early.reporting, afterS: allReportingS },
        windowS: (windowEnd - windowStart) / 1000,
        lateness,
        latenessFromFirstReportEver: fromStart,
        rejectedReports: nodes.reduce((n, x) => n + x.rejected, 0),
        bridge: {
          cpuPercentOfCore: cpu.percentOfCore,
          peakRssBytes: mem.peakRss,
          rssBytes: mem.rss,
          eventLoopDelay: eventLoop,
          stopMs: Date.now() - stopStart,
          exitCode,
          logged: bridgeLogSummary(bridgeLog),
        },
        simulatorCpuPercentOfCore: simLoad.percentOfCore,
      });
      kept = keep === true;
    } finally {
      await stop(bridge.child);
      await stop(sim.child);
      if (kept) log(`logs kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  return { runs, targets: fleetTargets(runs) };
}

function fleetTargets(runs) {
  const r = runs.find((x) => x.routers === TARGET.routers);
  if (!r) return [];
  return [
    {
      target: '1 000 routers: ≥ 99.5 % of reports within 1 s of schedule',
      value: `${(100 * r.lateness.onTimeShare).toFixed(2)} %`,
      pass: r.lateness.onTimeShare >= TARGET.onTime,
    },
    {
      target: '  (information) the same, schedule from the very first report, start-up included',
      value: `${(100 * r.latenessFromFirstReportEver.onTimeShare).toFixed(2)} %`,
      pass: r.latenessFromFirstReportEver.onTimeShare >= TARGET.onTime,
    },
    { target: '1 000 routers: bridge CPU ≤ 30 % of one core', value: `${r.bridge.cpuPercentOfCore.toFixed(1)} %`, pass: r.bridge.cpuPercentOfCore <= TARGET.cpuPercent },
    { target: '1 000 routers: bridge peak RSS ≤ 200 MB', value: mb(r.bridge.peakRssBytes), pass: r.bridge.peakRssBytes <= TARGET.rssBytes },
  ];
}

export function printFleetScale(result) {
  const rows = result.runs.map((r) => [
    r.routers,
    `${(100 * r.lateness.onTimeShare).toFixed(2)} %`,
    `${(100 * r.latenessFromFirstReportEver.onTimeShare).toFixed(2)} %`,
    `${r.lateness.delivered}/${r.lateness.due}`,
    r.firstReportsS.allReporting ? `${r.firstReportsS.afterS.toFixed(0)} s` : `> ${r.firstReportsS.afterS.toFixed(0)} s`,
    `${Math.round(r.lateness.p50Ms)} ms`,
    `${Math.round(r.lateness.p99Ms)} ms`,
    `${Math.round(r.lateness.maxMs)} ms`,
    `${r.bridge.cpuPercentOfCore.toFixed(1)} %`,
    mb(r.bridge.peakRssBytes),
    r.bridge.eventLoopDelay?.memory ? mb(r.bridge.eventLoopDelay.memory.heapUsed) : 'n/a',
    r.bridge.eventLoopDelay ? `${r.bridge.eventLoopDelay.p99Ms} ms` : 'n/a',
    `${r.simulatorCpuPercentOfCore.toFixed(0)} %`,
    r.rejectedReports,
    r.bridge.logged.warnings + r.bridge.logged.errors,
  ]);
  return [
    table(['routers', 'on time', 'on time (from start)', 'delivered/due', 'all reporting', 'p50 late', 'p99 late', 'max late', 'bridge CPU', 'peak RSS', 'heap', 'loop p99', 'sim CPU', 'rejected', 'bridge warn+err'], rows),
    '',
    table(['target', 'measured', 'result'], result.targets.map((t) => [t.target, t.value, verdict(t.pass)])),
  ].join('\n');
}
