/**
 * Fleet scale: the real bridge (`node dist/cli.js run`) reporting 100, 1 000 and 5 000
 * simulated routers every 5 s to the built-in receiver. The simulator and receiver run in
 * another process (pinned to another core when `taskset` exists), so the bridge's CPU,
 * memory and event-loop figures are its own.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseLateness } from '@tikprobe/sim/lateness.js';
import { cpuMeter, memory } from './lib/proc.mjs';
import { bridgeLogSummary, freePort, getJson, ROOT, sleep, startBridge, startSimProcess, stop, waitForSummary, waitOnBeat } from './lib/processes.mjs';
import { mb, table, verdict } from './lib/report.mjs';

const INTERVAL_MS = 5000;
const TOLERANCE_MS = 1000;
/** How long the fleet may take until every router has reported once. */
const MAX_STARTUP_MS = 120_000;
/**
 * After that, the window waits (at most this long) until the fleet keeps its beat: a share
 * SETTLED of the routers with their last three reports one interval apart within the
 * tolerance. A bridge that started thousands of routers on one core is still catching up
 * with the polls it delayed meanwhile (gaps of 3 s instead of 5 s), and a window opened then
 * anchors those routers' schedules at a report from the catch-up.
 */
const MAX_SETTLE_MS = 60_000;
const SETTLED = 0.99;
const MB = 1024 * 1024;
const ON_TIME = 0.995;
/** The fleet targets per fleet size and transport (CPU in % of one core, peak RSS in bytes). */
const TARGETS = [
  { routers: 1000, tls: true, cpuPercent: 15, rssBytes: 175 * MB },
  { routers: 5000, tls: true, cpuPercent: 50, rssBytes: 550 * MB },
  { routers: 5000, tls: false, rssBytes: 350 * MB },
];
/** A fleet this large is the overload run: bounded memory and a timely stop, not punctuality. */
const OVERLOAD_ROUTERS = 10_000;
/** The bridge's own stop deadline (src/commands/run.ts): missing it exits 143 instead of 0. */
const STOP_DEADLINE_MS = 5000;
/** Overload run: RSS at the end of the window may exceed RSS at its middle by at most this share (the warm-up waits until the fleet has joined, at most MAX_STARTUP_MS; the routers reporting are printed beside). */
const RSS_GROWTH = 0.1;

export async function fleetScale({ sizes, windowS, warmupS, hasTaskset, tls, keep, log, profileDir, workers = 1, bridgeCpus = '1' }) {
  const runs = [];
  const floor = requestFloor({ hasTaskset, tls, log });
  for (const routers of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `tikprobe-bench-fleet-${routers}-`));
    const until = routers >= OVERLOAD_ROUTERS ? 'until all report' : 'until all report and 99 % keep their beat';
    log(`fleet scale: ${routers} routers, warm-up (≥ ${warmupS} s, ${until}) + ${windowS} s window …`);
    const started = Date.now();
    const sim = await startSimProcess({ routers, conntrack: 1000, tls, dir }, { cpu: 0, hasTaskset, logFile: join(dir, 'sim.log') });
    const simReadyS = (Date.now() - started) / 1000;
    // The status server, to read the bridge's own load section (GET /status → load).
    const statusPort = await freePort();
    appendFileSync(sim.configFile, `status:\n  listen: 127.0.0.1:${statusPort}\n`);
    // `workers: N` shards the fleet over N threads of the one bridge process (same CPU pinning).
    if (workers > 1) appendFileSync(sim.configFile, `\nworkers: ${workers}\n`);
    const eldFile = join(dir, 'event-loop.json');
    const bridgeStart = Date.now();
    const bridgeLog = join(dir, 'bridge.log');
    let kept = true;
    const bridge = startBridge(sim.configFile, {
      cpu: bridgeCpus,
      hasTaskset,
      logFile: bridgeLog,
      preload: join(ROOT, 'bench', 'lib', 'event-loop-probe.mjs'),
      env: { TIKPROBE_BENCH_ELD_FILE: eldFile },
      profileDir,
    });
    try {
      // Warm-up: until every router has reported once plus one cycle, and at least `warmupS`
      // (the overload run too: its memory is judged on a fleet that has joined, not one whose
      // last routers are still opening their connections; at most MAX_STARTUP_MS either way).
      const early = await waitForSummary(sim.receiverUrl, bridge, (s) => s.reporting >= routers, {
        timeoutMs: MAX_STARTUP_MS,
        everyMs: routers >= OVERLOAD_ROUTERS ? 2000 : 500,
      });
      const allReportingS = (Date.now() - bridgeStart) / 1000;
      // The overload run never settles: it is judged on memory, the signal and the stop.
      const settled =
        routers >= OVERLOAD_ROUTERS
          ? undefined
          : await waitOnBeat(sim.receiverUrl, bridge, routers, { share: SETTLED, intervalMs: INTERVAL_MS, toleranceMs: TOLERANCE_MS, timeoutMs: MAX_SETTLE_MS });
      const onBeatS = (Date.now() - bridgeStart) / 1000;
      const rest = Math.max(warmupS * 1000 - (Date.now() - bridgeStart), settled === undefined ? INTERVAL_MS : 0);
      await sleep(rest);
      const windowStart = Date.now();
      bridge.child.kill('SIGUSR2');
      const bridgeCpu = cpuMeter(bridge.pid);
      const simCpu = cpuMeter(sim.pid);
      const rssSamples = [memory(bridge.pid).rss];
      // Beside each RSS sample, how many routers have reported at least once: a fleet still
      // joining (the overload run) grows by its new routers' connections and state.
      const reportingSamples = [];
      const sampleReporting = () => {
        const at = reportingSamples.length;
        reportingSamples.push(undefined);
        return getJson(`${sim.receiverUrl}/sim/summary`).then(
          (s) => {
            reportingSamples[at] = s.reporting;
          },
          () => undefined,
        );
      };
      void sampleReporting();
      const rssTimer = setInterval(() => {
        rssSamples.push(memory(bridge.pid).rss);
        void sampleReporting();
      }, 5000);
      await sleep(windowS * 1000);
      // The window ends here: what the bench reads next (/status renders every router) must
      // not delay reports that the window then counts as due.
      const windowEnd = Date.now();
      clearInterval(rssTimer);
      const cpu = bridgeCpu();
      const simLoad = simCpu();
      const mem = memory(bridge.pid);
      rssSamples.push(mem.rss);
      await sampleReporting();
      const load = await getJson(`http://127.0.0.1:${statusPort}/status`).then(
        (doc) => doc.load,
        (err) => ({ error: String(err) }),
      );
      // The overload run is judged on memory, the signal and the stop, not on punctuality: the
      // receiver's full per-node record (every report kept) is not fetched at 10 000 routers.
      const nodes = routers >= OVERLOAD_ROUTERS ? [] : await getJson(`${sim.receiverUrl}/sim/nodes`);
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
      const inWindow = nodes.map((n) => n.reportTimes.filter((t) => t >= windowStart && t <= windowEnd));
      const lateness = summariseLateness(inWindow, schedule);
      const fromStart = summariseLateness(
        nodes.map((n) => n.reportTimes.filter((t) => t <= windowEnd)),
        { ...schedule, windowStart: bridgeStart },
      );
      // For information only: the same window with each slot on the router's own beat taking the
      // nearest report, so that one late report and the catch-up after it cost one slot, where
      // matching by count (above) can shift every later report by an interval.
      const onGrid = summariseLateness(inWindow, { ...schedule, anchor: 'grid' });
      runs.push({
        routers,
        simReadyS,
        firstReportsS: {
          allReporting: early.reporting >= routers,
          reporting: early.reporting,
          afterS: allReportingS,
          ...(settled === undefined ? {} : { onBeat: settled.onBeat, onBeatAfterS: onBeatS }),
        },
        windowS: (windowEnd - windowStart) / 1000,
        lateness,
        latenessFromFirstReportEver: fromStart,
        latenessOnGrid: onGrid,
        rejectedReports: nodes.reduce((n, x) => n + x.rejected, 0),
        tls,
        workers,
        bridgeCpus,
        perRouter: perRouter(routers, cpu.percentOfCore, mem.peakRss, eventLoop?.memory),
        bridge: {
          cpuPercentOfCore: cpu.percentOfCore,
          peakRssBytes: mem.peakRss,
          rssBytes: mem.rss,
          rssSamplesBytes: rssSamples,
          reportingSamples,
          load,
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
  return { runs, floor, targets: fleetTargets(runs, floor) };
}

/** CPU per router-cycle in µs, and memory per router: V8 heap vs the rest (sockets, TLS, buffers). */
function perRouter(routers, cpuPercent, peakRss, memory) {
  const cycleUs = (cpuPercent / 100) * INTERVAL_MS * 1000;
  return {
    cpuUsPerRouterCycle: Math.round(cycleUs / routers),
    heapBytes: memory ? Math.round(memory.heapTotal / routers) : undefined,
    outsideHeapBytes: memory ? Math.round((memory.rss - memory.heapTotal) / routers) : undefined,
    peakRssBytes: Math.round(peakRss / routers),
  };
}

/** One keep-alive request through the same client on the bridge's core, in this run (bench/rest-client-cpu.mjs). */
function requestFloor({ hasTaskset, tls, log }) {
  const script = join(ROOT, 'bench', 'rest-client-cpu.mjs');
  const args = [script, '--requests', '2000', '--json'];
  try {
    const [cmd, argv] = hasTaskset ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
    const rows = JSON.parse(execFileSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 }).trim().split('\n').at(-1));
    const row = rows.find((r) => (tls ? r.label.startsWith('https') : r.label.startsWith('http  system')));
    log(`floor: one keep-alive request ${row.cpuUsPerRequest} µs CPU (${row.label.trim()})`);
    return { cpuUsPerRequest: row.cpuUsPerRequest, label: row.label.trim() };
  } catch (err) {
    log(`floor: not measured (${err instanceof Error ? err.message : err})`);
    return undefined;
  }
}

function fleetTargets(runs, floor) {
  const out = [];
  for (const r of runs) {
    const label = `${r.routers.toLocaleString('en').replace(/,/g, ' ')} routers ${r.tls ? 'HTTPS+pin' : 'plain HTTP'}`;
    if (r.routers >= OVERLOAD_ROUTERS) {
      const rss = r.bridge.rssSamplesBytes;
      const mid = rss[Math.floor((rss.length - 1) / 2)];
      const grew = rss[rss.length - 1] / mid - 1;
      out.push({ target: `${label} (overload): (information) peak RSS`, value: mb(r.bridge.peakRssBytes), pass: true });
      const joined = r.bridge.reportingSamples ?? [];
      const midAt = Math.floor((rss.length - 1) / 2);
      const joinedText = joined.length === rss.length ? `; routers reporting ${[joined[0], joined[midAt], joined[rss.length - 1]].map((n) => n ?? '?').join(' → ')}` : '';
      out.push({ target: `${label} (overload): RSS over the window's second half grows ≤ ${RSS_GROWTH * 100} % (bounded)`, value: `${mb(rss[0])} → ${mb(mid)} → ${mb(rss[rss.length - 1])} (${(100 * grew).toFixed(1)} %)${joinedText}`, pass: grew <= RSS_GROWTH });
      const l = r.bridge.load ?? {};
      const figures = l.overloaded === undefined ? `not read (${l.error ?? 'no load section'})` : `overloaded ${l.overloaded ? 'yes' : 'no'}, ${(100 * l.lateShare).toFixed(1)} % late, needs cpu ${l.needed?.cpu}× / requests ${l.needed?.requests}×, carries ≈ ${l.capacityRouters}`;
      out.push({ target: `${label} (overload): overload signal in /status (load)`, value: figures, pass: l.overloaded === true });
      out.push({ target: `${label} (overload): overload line in the log`, value: r.bridge.logged.overload ? 'seen' : 'absent', pass: r.bridge.logged.overload === true });
      out.push({ target: `${label} (overload): stop within the bridge's ${STOP_DEADLINE_MS / 1000} s deadline (exit 0)`, value: `${(r.bridge.stopMs / 1000).toFixed(1)} s, exit ${r.bridge.exitCode}`, pass: r.bridge.exitCode === 0 });
      continue;
    }
    out.push({ target: `${label}: on time ≥ 99.5 %`, value: `${(100 * r.lateness.onTimeShare).toFixed(2)} %`, pass: r.lateness.onTimeShare >= ON_TIME });
    if (r.latenessOnGrid) {
      const g = r.latenessOnGrid;
      out.push({ target: `${label}: (information) on time, slots on each router's own beat`, value: `${(100 * g.onTimeShare).toFixed(2)} % (${g.onTime}/${g.due}, p99 ${Math.round(g.p99Ms)} ms)`, pass: true });
    }
    const l = r.bridge.load ?? {};
    if (l.overloaded !== undefined) {
      // A fleet on time is not overloaded once its start is over (the start itself is not judged).
      const said = `overloaded ${l.overloaded ? 'yes' : 'no'}${l.starting ? ', still starting' : ''}, ${(100 * l.lateShare).toFixed(1)} % late, needs cpu ${l.needed?.cpu}×, carries ≈ ${l.capacityRouters}; overload line ${r.bridge.logged.overload ? 'seen' : 'absent'}`;
      out.push({ target: `${label}: (information) the bridge's own load at the window's end (/status load)`, value: said, pass: true });
    }
    const t = TARGETS.find((x) => x.routers === r.routers && x.tls === r.tls);
    if (t?.cpuPercent !== undefined) {
      out.push({ target: `${label}: bridge CPU ≤ ${t.cpuPercent} % of a core`, value: `${r.bridge.cpuPercentOfCore.toFixed(1)} %`, pass: r.bridge.cpuPercentOfCore <= t.cpuPercent });
    }
    if (t) out.push({ target: `${label}: peak RSS ≤ ${mb(t.rssBytes)}`, value: mb(r.bridge.peakRssBytes), pass: r.bridge.peakRssBytes <= t.rssBytes });
    const p = r.perRouter;
    const floorText = floor ? ` (floor: one request ${floor.cpuUsPerRequest} µs; ${(p.cpuUsPerRouterCycle / floor.cpuUsPerRequest).toFixed(1)} × it)` : '';
    out.push({ target: `${label}: (information) CPU per router-cycle`, value: `${p.cpuUsPerRouterCycle} µs${floorText}`, pass: true });
    if (p.heapBytes !== undefined) {
      out.push({ target: `${label}: (information) memory per router, heap / outside`, value: `${(p.heapBytes / 1024).toFixed(0)} KB / ${(p.outsideHeapBytes / 1024).toFixed(0)} KB`, pass: true });
    }
  }
  return out;
}

/** When 99 % of the routers kept their beat (the window opened then), or that they never did within the wait. */
function onBeatCell(r) {
  const f = r.firstReportsS;
  if (f.onBeatAfterS === undefined) return '-';
  return f.onBeat >= SETTLED * r.routers ? `${f.onBeatAfterS.toFixed(0)} s` : `> ${f.onBeatAfterS.toFixed(0)} s`;
}

export function printFleetScale(result) {
  const rows = result.runs.map((r) => [
    r.routers,
    `${(100 * r.lateness.onTimeShare).toFixed(2)} %`,
    `${(100 * r.latenessFromFirstReportEver.onTimeShare).toFixed(2)} %`,
    `${r.lateness.delivered}/${r.lateness.due}`,
    r.firstReportsS.allReporting ? `${r.firstReportsS.afterS.toFixed(0)} s` : `> ${r.firstReportsS.afterS.toFixed(0)} s`,
    onBeatCell(r),
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
    table(['routers', 'on time', 'on time (from start)', 'delivered/due', 'all reporting', 'on beat', 'p50 late', 'p99 late', 'max late', 'bridge CPU', 'peak RSS', 'heap', 'loop p99', 'sim CPU', 'rejected', 'bridge warn+err'], rows),
    '',
    result.targets.length === 0
      ? 'targets: none at these sizes (they are set for 1 000 and 5 000 routers over HTTPS, and 5 000 over plain HTTP)'
      : table(['target', 'measured', 'result'], result.targets.map((t) => [t.target, t.value, verdict(t.pass)])),
  ].join('\n');
}
