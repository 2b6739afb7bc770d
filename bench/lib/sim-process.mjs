/**
 * The simulated fleet and the Komari receiver, in a process of their own so the bridge's
 * CPU and memory figures are its own. Started by the benchmarks:
 *   node bench/lib/sim-process.mjs '{"routers":1000,"conntrack":1000,"tls":true,"dir":"/tmp/x"}'
 * Prints one line `READY {…}` with the URLs and the config file, then serves until SIGTERM.
 */
import { join } from 'node:path';
import { routerName } from '@tikprobe/sim/addresses.js';
import { simToken } from '@tikprobe/sim/fleet-config.js';
import { startKomariReceiver } from '@tikprobe/sim/komari-receiver.js';
import { startSimulation } from '@tikprobe/sim/simulate.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const routers = options.routers ?? 1;
const tokens = new Map(Array.from({ length: routers }, (_, i) => [simToken(i), routerName(i, routers)]));
const receiver = await startKomariReceiver({ tokens });
const configFile = join(options.dir, 'tikprobe.yaml');
const sim = await startSimulation({
  routers,
  port: 0,
  conntrack: options.conntrack ?? 1000,
  tls: options.tls ?? true,
  komariUrl: receiver.url,
  reportInterval: options.reportInterval ?? '5s',
  stateDir: join(options.dir, 'state'),
  logLevel: 'warn',
  concurrency: options.concurrency,
  tables: options.tables,
  allCollectors: options.allCollectors === true,
  writeConfig: configFile,
});
process.stdout.write(`READY ${JSON.stringify({ statsUrl: sim.statsUrl, receiverUrl: receiver.url, configFile, urls: sim.urls.slice(0, 3), port: sim.port })}\n`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  Promise.all([sim.stop(), receiver.close()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
