import { parseArgs } from 'node:util';
import { loadSim, type SimSimulateModule } from './sim-loader.js';

/** `tikprobe simulate`: serves simulated RouterOS REST APIs until SIGINT/SIGTERM. */
export async function runSimulateCommand(args: string[], out: (text: string) => void): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      routers: { type: 'string', default: '3' },
      port: { type: 'string', default: '8080' },
      conntrack: { type: 'string', default: '1000' },
      tls: { type: 'boolean', default: false },
      'write-config': { type: 'string' },
      password: { type: 'string' },
    },
    strict: true,
  });
  const int = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const { runSimulate } = await loadSim<SimSimulateModule>('simulate');
  const sim = await runSimulate(
    {
      routers: int('routers', values.routers, 1, 20_000),
      port: int('port', values.port, 1, 65_535),
      conntrack: int('conntrack', values.conntrack, 0, 1_048_576),
      tls: values.tls,
      writeConfig: values['write-config'],
      password: values.password,
    },
    out,
  );
  const stop = () => {
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
