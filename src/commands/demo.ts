import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { startBridge } from '../main.js';
import { readVersion } from '../version.js';
import { loadSim, type SimDemoModule } from './sim-loader.js';

/**
 * `tikprobe demo`: simulated routers, the built-in Komari receiver and the bridge, with a
 * live table. Bridge logs go to stderr at warn level so they do not scroll the table.
 */
export async function runDemoCommand(args: string[], env: Record<string, string | undefined>, _out: (t: string) => void): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const { runDemo } = await loadSim<SimDemoModule>('demo');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const version = readVersion();
  await runDemo({
    out: process.stdout,
    signal: controller.signal,
    startBridge: async (configFile) => {
      const config = await loadConfig(configFile, env);
      const logger = createLogger({ level: 'warn', destination: process.stderr, pretty: false });
      const running = await startBridge(config, { logger, version });
      return {
        stop: () => running.stop(),
        view: () => running.bridge.view(),
      };
    },
  });
  return 0;
}
