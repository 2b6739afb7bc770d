/**
 * The daemon as `tikprobe run` starts it: the bridge (see main.ts) plus what surrounds it
 * in production, the metrics registry, the status server with every integration's routes,
 * and the systemd notifier. Part of the composition root: it knows the concrete classes of
 * the status and systemd layers; `commands/run.ts` only maps signals and exit codes onto it.
 */
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { ConfigError } from './errors.js';
import type { Logger } from './log.js';
import { INTEGRATIONS, startBridge } from './main.js';
import { type AttachedStatus, attachStatus } from './status/daemon-hooks.js';
import { createMetricsRegistry } from './status/metrics.js';
import { type SystemdLifecycle, startSystemdLifecycle } from './systemd/lifecycle.js';
import { createNotifier } from './systemd/notify.js';
import { systemClock } from './time/timers.js';
import { type RunningFleet, startWorkers, workersWanted } from './workers/start.js';

export interface DaemonDeps {
  configFile: string;
  config: Config;
  env: Record<string, string | undefined>;
  logger: Logger;
  version: string;
}

export interface Daemon {
  readonly running: RunningFleet;
  /** Reads the file again and applies it; resolves to the new config, or undefined when it was rejected. */
  reload(): Promise<Config | undefined>;
  /** Writes every router's state now (the shutdown deadline's last resort). */
  flushState(): Promise<void>;
  /** Tells systemd, stops the bridge (abort, flush, stop), closes the status server. Idempotent. */
  stop(): Promise<void>;
}

/** Rejects when the status server cannot start; the bridge started by then is stopped first. */
export async function startDaemon(deps: DaemonDeps): Promise<Daemon> {
  const { logger } = deps;
  // Created before the bridge: they count from the first poll.
  const metrics = createMetricsRegistry();
  const workers = workersWanted(deps.config, logger);
  const running: RunningFleet =
    workers > 1
      ? await startWorkers(deps.config, { count: workers, logger, version: deps.version, telemetry: metrics, integrations: INTEGRATIONS })
      : await startBridge(deps.config, { logger, version: deps.version, telemetry: metrics });
  const systemd: SystemdLifecycle = startSystemdLifecycle(createNotifier(deps.env, logger), running.bridge, running.startedAt, systemClock);
  let status: AttachedStatus;
  try {
    // Read per request: a reload may rebuild the integrations.
    status = await attachStatus(deps.config, running, logger, deps.version, metrics, { routes: () => running.routes(), sections: () => running.sections() });
  } catch (err) {
    systemd.close();
    await running.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    running,
    reload: async () => {
      systemd.reloading();
      try {
        const next = await readConfig(deps);
        if (next === undefined) return undefined;
        await running.reload(next);
        status.reloaded(next);
        return next;
      } finally {
        systemd.reloaded();
      }
    },
    flushState: () => running.flushState(),
    stop() {
      stopping ??= (async () => {
        systemd.stopping();
        await running.stop();
        await status.close();
        systemd.close();
      })();
      return stopping;
    },
  };
}

async function readConfig(deps: DaemonDeps): Promise<Config | undefined> {
  try {
    return await loadConfig(deps.configFile, deps.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      deps.logger.error({ issues: err.issues.length }, `new configuration rejected; the running one stays:\n${err.message}`);
      return undefined;
    }
    throw err;
  }
}
