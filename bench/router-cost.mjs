/**
 * Router cost: what polling costs one router per report cycle (5 s), with its connection
 * table at 1 k, 10 k and 100 k entries, read from the simulator's own counters while the
 * real bridge polls it; next to what the naive approaches cost the same router.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { bridgeLogSummary, getJson, sleep, startBridge, startSimProcess, stop, waitForSummary } from './lib/processes.mjs';
import { kb, table, verdict } from './lib/report.mjs';

const CYCLE_MS = 5000;
const TARGET_REQUESTS = 4;
const TARGET_BYTES = 4096;
/** The official on-router script runs every 3 s and walks the table four times per run. */
const SCRIPT_PERIOD_S = 3;
const SCRIPT_WALKS = 4;

async function routerStats(statsUrl) {
  const body = await getJson(`${statsUrl}?router=sim-0001`);
  return body.perRouter[0];
}

function diff(a, b) {
  const paths = {};
  for (const [k, v] of Object.entries(b.paths)) {
    const before = a.paths[k] ?? { requests: 0, bytes: 0 };
    if (v.requests > before.requests) paths[k] = { requests: v.requests - before.requests, bytes: v.bytes - before.bytes };
  }
  return { requests: b.requests - a.requests, bytes: b.bytes - a.bytes, paths };
}

/** The naive REST poller: the full IPv4 and IPv6 tables, every cycle. Measured against the simulator. */
async function fullTableCost(sim) {
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  const auth = `Basic ${Buffer.from('tikprobe:tikprobe-sim').toString('base64')}`;
  const before = await routerStats(sim.statsUrl);
  const t0 = performance.now();
  for (const path of ['/rest/ip/firewall/connection', '/rest/ipv6/firewall/connection']) {
    const res = await request(`${sim.urls[0]}${path}`, { headers: { authorization: auth }, dispatcher: agent });
    // Read every byte: a client that stops early makes the router stop sending.
    for await (const _chunk of res.body) {
      // draining
    }
  }
  const ms = performance.now() - t0;
  const after = await routerStats(sim.statsUrl);
  await agent.close();
  const d = diff(before, after);
  return { requests: d.requests, bytes: d.bytes, fetchMs: Math.round(ms) };
}

export async function routerCost({ sizes, windowS, hasTaskset, tls, keep, log }) {
  const runs = [];
  for (const conntrack of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `tikprobe-bench-cost-${conntrack}-`));
    log(`router cost: conntrack ${conntrack}, ${windowS} s window …`);
    const sim = await startSimProcess({ routers: 1, conntrack, tls, dir }, { cpu: 0, hasTaskset, logFile: join(dir, 'sim.log') });
    const bridgeLog = join(dir, 'bridge.log');
    const bridge = startBridge(sim.configFile, { cpu: 1, hasTaskset, logFile: bridgeLog });
    let kept = true;
    try {
      const reported = await waitForSummary(sim.receiverUrl, bridge, (s) => s.reports > 0, { timeoutMs: 30_000, everyMs: 250 });
      if (reported.reports === 0) throw new Error('no report reached the receiver in time');
      // Let the start-up requests (identity, routerboard, routes, first counts) pass first.
      await sleep(CYCLE_MS);
      const first = await routerStats(sim.statsUrl);
      const t0 = Date.now();
      let previous = first;
      let peak = { requests: 0, bytes: 0 };
      while (Date.now() - t0 < windowS * 1000) {
        await sleep(CYCLE_MS);
        const now = await routerStats(sim.statsUrl);
        const d = diff(previous, now);
        if (d.bytes > peak.bytes || d.requests > peak.requests) peak = { requests: Math.max(peak.requests, d.requests), bytes: Math.max(peak.bytes, d.bytes) };
        previous = now;
      }
      const t1 = Date.now();
      const total = diff(first, previous);
      const cycles = (t1 - t0) / CYCLE_MS;
      await stop(bridge.child);
      const bridgeLogged = bridgeLogSummary(bridgeLog);
      const naive = await fullTableCost(sim);
      const table6 = Math.floor(conntrack / 10);
      runs.push({
        conntrack: { ipv4: conntrack, ipv6: table6 },
        windowS: (t1 - t0) / 1000,
        cycles,
        bridge: {
          requestsPerCycle: total.requests / cycles,
          bytesPerCycle: total.bytes / cycles,
          peakCycle: peak,
          logged: bridgeLogged,
          perPathPerCycle: Object.fromEntries(
            Object.entries(total.paths).map(([k, v]) => [k, { requests: v.requests / cycles, bytes: v.bytes / cycles }]),
          ),
        },
        fullTablePoller: { requestsPerCycle: naive.requests, bytesPerCycle: naive.bytes, fetchMs: naive.fetchMs },
        onRouterScript: {
          tableWalksPerCycle: (SCRIPT_WALKS * CYCLE_MS) / 1000 / SCRIPT_PERIOD_S,
          entriesVisitedPerCycle: Math.round(((CYCLE_MS / 1000 / SCRIPT_PERIOD_S) * 2 * (conntrack + table6))),
          restBytesPerCycle: 0,
        },
      });
      kept = keep === true;
    } finally {
      await stop(bridge.child);
      await stop(sim.child);
      if (kept) log(`logs kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  return { runs, targets: routerCostTargets(runs) };
}

function routerCostTargets(runs) {
  const bytes = runs.map((r) => r.bridge.bytesPerCycle);
  const spread = Math.max(...bytes) / Math.max(1, Math.min(...bytes));
  return [
    {
      target: `≤ ${TARGET_REQUESTS} requests per 5 s cycle at every conntrack size`,
      value: Math.max(...runs.map((r) => r.bridge.requestsPerCycle)).toFixed(2),
      pass: runs.every((r) => r.bridge.requestsPerCycle <= TARGET_REQUESTS),
    },
    {
      target: `≤ ${TARGET_BYTES / 1024} KB per 5 s cycle at every conntrack size`,
      value: kb(Math.max(...bytes)),
      pass: runs.every((r) => r.bridge.bytesPerCycle <= TARGET_BYTES),
    },
    {
      target: 'bytes per cycle independent of conntrack size (largest ≤ 1.1 × smallest)',
      value: `× ${spread.toFixed(2)}`,
      pass: spread <= 1.1,
    },
  ];
}

export function printRouterCost(result) {
  const rows = result.runs.map((r) => [
    `${r.conntrack.ipv4} + ${r.conntrack.ipv6}`,
    r.bridge.requestsPerCycle.toFixed(2),
    kb(r.bridge.bytesPerCycle),
    `${r.bridge.peakCycle.requests} / ${kb(r.bridge.peakCycle.bytes)}`,
    r.fullTablePoller.requestsPerCycle,
    kb(r.fullTablePoller.bytesPerCycle),
    `${r.fullTablePoller.fetchMs} ms`,
    r.onRouterScript.tableWalksPerCycle.toFixed(1),
    r.onRouterScript.entriesVisitedPerCycle,
    r.bridge.logged.warnings + r.bridge.logged.errors,
  ]);
  const lines = [
    table(
      ['conntrack v4 + v6', 'bridge req/cycle', 'bridge bytes/cycle', 'busiest 5 s (req / bytes)', 'full GET req', 'full GET bytes', 'full GET time', 'script walks/cycle', 'script entries/cycle', 'bridge warn+err'],
      rows,
    ),
    '',
    'Per path, per cycle (largest table):',
  ];
  const last = result.runs.at(-1);
  if (last) {
    lines.push(
      table(
        ['request', 'per cycle', 'bytes per cycle'],
        Object.entries(last.bridge.perPathPerCycle).map(([k, v]) => [k, v.requests.toFixed(2), kb(v.bytes)]),
      ),
    );
  }
  lines.push('', table(['target', 'measured', 'result'], result.targets.map((t) => [t.target, t.value, verdict(t.pass)])));
  return lines.join('\n');
}
