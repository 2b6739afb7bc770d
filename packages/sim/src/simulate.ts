/**
 * `tikprobe simulate`: N simulated RouterOS v7 REST APIs on 127.0.1.1, 127.0.1.2, … (one
 * port for all), their request counters at `http://127.0.0.1:<port+1>/stats`, and
 * optionally a ready tikprobe config for the fleet.
 */
import { writeFile } from 'node:fs/promises';
import { routerAddress, routerName } from './addresses.js';
import { fleetConfigYaml, simToken } from './fleet-config.js';
import { type Fleet, SIM_USERNAME, startFleet } from './fleet-server.js';
import { makeSelfSigned } from './self-signed.js';
import type { SimTables } from './sim-extended.js';
import { SimRouter } from './sim-router.js';
import { type StatsServer, startStatsServer } from './stats-server.js';

/** Used when no `--password` is given; written into the generated config. Not a secret: loopback only. */
export const DEFAULT_SIM_PASSWORD = 'tikprobe-sim';
/** Where the generated config points when no receiver URL is given: a local Komari on its default port. */
const DEFAULT_KOMARI_URL = 'http://127.0.0.1:25774';

export interface SimulateArgs {
  routers: number;
  /** 0 picks a free port (the same one for every router). */
  port: number;
  conntrack: number;
  tls: boolean;
  writeConfig?: string;
  password?: string;
  /** Komari base URL for the generated config (e.g. the built-in receiver). */
  komariUrl?: string;
  /** `intervals.report` for the generated config. */
  reportInterval?: string;
  stateDir?: string;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  concurrency?: number;
  /** Lease, client, session and extra interface counts of every router (default: from its index). */
  tables?: SimTables;
  /** Turn every extended collector on in the generated config. */
  allCollectors?: boolean;
}

export interface Simulation {
  fleet: Fleet;
  port: number;
  /** `http://127.0.0.1:<port>/stats` */
  statsUrl: string;
  /** `https://127.0.1.1:<port>` … in router order. */
  urls: string[];
  /** SHA-256 of the TLS certificate, when `tls`. */
  fingerprint: string | undefined;
  /** The tikprobe config for this fleet (what `writeConfig` wrote). */
  configYaml: string;
  stop(): Promise<void>;
}

export async function startSimulation(args: SimulateArgs): Promise<Simulation> {
  const startMs = Date.now();
  const routers = Array.from(
    { length: args.routers },
    (_, index) => new SimRouter({ index, name: routerName(index, args.routers), address: routerAddress(index), conntrack: args.conntrack, startMs, ...(args.tables ? { tables: args.tables } : {}) }),
  );
  const cert = args.tls ? makeSelfSigned('tikprobe simulator') : undefined;
  const password = args.password ?? DEFAULT_SIM_PASSWORD;
  const fleet = await startFleet({ routers, port: args.port, password, ...(cert ? { tls: { key: cert.keyPem, cert: cert.certPem } } : {}) });
  let stats: StatsServer;
  try {
    stats = await startStatsServer(fleet.port === 65_535 ? 0 : args.port === 0 ? 0 : fleet.port + 1, fleet.stats);
  } catch (e) {
    await fleet.close();
    throw e;
  }
  const urls = routers.map((r) => `${fleet.scheme}://${r.address}:${fleet.port}`);
  const configYaml = fleetConfigYaml({
    routers: routers.map((r, i) => ({ name: r.name, url: urls[i] as string, token: simToken(i) })),
    password,
    fingerprint: cert?.fingerprint256,
    komariUrl: args.komariUrl ?? DEFAULT_KOMARI_URL,
    stateDir: args.stateDir,
    reportInterval: args.reportInterval,
    concurrency: args.concurrency,
    logLevel: args.logLevel,
    allCollectors: args.allCollectors,
    comment: `tikprobe config for ${args.routers} simulated routers (tikprobe simulate)\nRouter user "${SIM_USERNAME}"; Komari tokens are the simulator's own: replace them to report to a real Komari.`,
  });
  if (args.writeConfig) {
    try {
      await writeFile(args.writeConfig, configYaml, { mode: 0o600 });
    } catch (e) {
      await Promise.all([fleet.close(), stats.close()]);
      throw e;
    }
  }
  return {
    fleet,
    port: fleet.port,
    statsUrl: stats.url,
    urls,
    fingerprint: cert?.fingerprint256,
    configYaml,
    stop: async () => {
      await Promise.all([fleet.close(), stats.close()]);
    },
  };
}

/** The CLI entry: starts the fleet and says where everything is. */
export async function runSimulate(args: SimulateArgs, log: (line: string) => void): Promise<Simulation> {
  const sim = await startSimulation(args);
  const first = sim.urls[0];
  const last = sim.urls.at(-1);
  log(`serving ${args.routers} simulated RouterOS 7 REST API(s): ${first}${args.routers > 1 ? ` … ${last}` : ''} (REST under /rest)`);
  log(
    `Basic auth: user "${SIM_USERNAME}", ${args.password === undefined ? 'the built-in default password (written into --write-config FILE)' : 'the password given with --password'}; conntrack ${args.conntrack} IPv4 + ${Math.floor(args.conntrack / 10)} IPv6 entries per router`,
  );
  if (sim.fingerprint) log(`TLS: self-signed certificate, SHA-256 fingerprint ${sim.fingerprint}`);
  log(`request counters per router and path: GET ${sim.statsUrl}[?router=NAME]`);
  if (args.writeConfig) log(`tikprobe config for this fleet written to ${args.writeConfig}`);
  log('stop with Ctrl-C');
  return sim;
}
