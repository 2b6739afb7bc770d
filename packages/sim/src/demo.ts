/**
 * `tikprobe demo`: three simulated routers, the built-in Komari receiver and the real
 * bridge wired together on loopback, shown as a live table until the signal aborts.
 * Everything it starts lives in a temporary directory that is removed at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routerName } from './addresses.js';
import type { Bridge, StartBridge } from './bridge-view.js';
import { demoTasks } from './demo-tasks.js';
import { simToken } from './fleet-config.js';
import { type KomariReceiver, startKomariReceiver } from './komari-receiver.js';
import { type Simulation, startSimulation } from './simulate.js';
import { type KomariCount, renderTable } from './table.js';

export interface DemoDeps {
  startBridge: StartBridge;
  out: NodeJS.WriteStream;
  signal: AbortSignal;
  /** Table refresh period; default 1 s on a terminal, 5 s otherwise. */
  refreshMs?: number;
}

const ROUTERS = 3;
const CONNTRACK = 5000;
/** Home the cursor and clear below it: redraws in place without flashing the screen. */
const REDRAW = '\x1b[H\x1b[J';

export async function runDemo(deps: DemoDeps): Promise<void> {
  if (deps.signal.aborted) return;
  const dir = await mkdtemp(join(tmpdir(), 'tikprobe-demo-'));
  let receiver: KomariReceiver | undefined;
  let sim: Simulation | undefined;
  let bridge: Bridge | undefined;
  try {
    const tokens = new Map(Array.from({ length: ROUTERS }, (_, i) => [simToken(i), routerName(i, ROUTERS)] as const));
    receiver = await startKomariReceiver({ tokens, tasks: demoTasks });
    const configFile = join(dir, 'tikprobe.yaml');
    sim = await startSimulation({
      routers: ROUTERS,
      port: 0,
      conntrack: CONNTRACK,
      tls: true,
      komariUrl: receiver.url,
      reportInterval: '5s',
      stateDir: join(dir, 'state'),
      logLevel: 'warn',
      writeConfig: configFile,
    });
    if (deps.signal.aborted) return;
    bridge = await deps.startBridge(configFile);
    if (deps.signal.aborted) return;
    const header = [
      `tikprobe demo: ${ROUTERS} simulated RouterOS routers (${sim.urls[0]} …, TLS pinned), Komari receiver ${receiver.url}`,
      `config ${configFile}   Ctrl-C stops everything`,
      '',
    ].join('\n');
    await showUntilAborted(deps, header, bridge, receiver);
  } finally {
    await bridge?.stop();
    await sim?.stop();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function komariCounts(receiver: KomariReceiver): Map<string, KomariCount> {
  return new Map(receiver.nodes().map((n) => [n.name, { accepted: n.reportTimes.length, rejected: n.rejected }]));
}

/** Redraws the table in place on a terminal, or prints it periodically elsewhere, until abort. */
function showUntilAborted(deps: DemoDeps, header: string, bridge: Bridge, receiver: KomariReceiver): Promise<void> {
  const tty = deps.out.isTTY === true;
  const refreshMs = deps.refreshMs ?? (tty ? 1000 : 5000);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const draw = () => {
      const table = renderTable({ views: bridge.view(), now: Date.now(), komari: komariCounts(receiver), width: deps.out.columns ?? 80 });
      deps.out.write(tty ? `${REDRAW}${header}\n${table}\n` : `${header}\n${table}\n\n`);
      timer = setTimeout(draw, refreshMs);
    };
    deps.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
    draw();
  });
}
