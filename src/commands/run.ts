/**
 * `tikprobe run`: the daemon. Signals: SIGTERM/SIGINT stop in order within 5 s (exit 0;
 * 128 + signal if the deadline passes); SIGHUP reloads the file (an invalid file is
 * rejected with its errors and the running config stays); an unexpected exception stops
 * what it can and exits 1 so the supervisor restarts a clean process.
 */
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { type RunningBridge, startBridge } from '../main.js';
import { PingHistory } from '../integrations/nezha/history.js';
import { createNezhaV0Api } from '../integrations/nezha/v0-api.js';
import { systemClock } from '../time/timers.js';
import { type AttachedStatus, attachStatus, createMetricsRegistry } from '../status/daemon-hooks.js';
import { type SystemdLifecycle, startSystemdLifecycle } from '../systemd/lifecycle.js';
import { createNotifier } from '../systemd/notify.js';
import { pingTaskExtra } from './ping-extra.js';

export const STOP_DEADLINE_MS = 5000;

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

export interface RunDeps {
  configFile: string;
  config: Config;
  env: Record<string, string | undefined>;
  logger: Logger;
  version: string;
  /** Flushes the logger before the process exits. */
  exit: (code: number) => void;
}

export async function runDaemon(deps: RunDeps): Promise<void> {
  const { logger } = deps;
  let starting: Promise<RunningBridge> | undefined;
  let running: RunningBridge | undefined;
  let status: AttachedStatus | undefined;
  let systemd: SystemdLifecycle | undefined;
  let stopping = false;
  // Created before the bridge: they count from the first poll.
  const metrics = createMetricsRegistry();
  const nezhaHistory = new PingHistory();

  const shutdown = (code: number, reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    systemd?.stopping();
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'shutdown deadline passed; exiting');
      deps.exit(code === 0 ? 128 + (SIGNAL_NUMBERS[reason] ?? 15) : code);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    // A stop during start waits for the start to finish, then stops what it started.
    (starting ? starting.then((r) => r.stop()) : Promise.resolve())
      .then(() => status?.close())
      .then(() => {
        systemd?.close();
        clearTimeout(deadline);
        logger.info('stopped');
        deps.exit(code);
      })
      .catch((err: unknown) => {
        logger.error({ err: errorMessage(err) }, 'error while stopping');
        deps.exit(1);
      });
  };

  process.once('SIGTERM', () => shutdown(0, 'SIGTERM'));
  process.once('SIGINT', () => shutdown(0, 'SIGINT'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'unexpected exception');
    shutdown(1, 'uncaughtException');
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled promise rejection');
    shutdown(1, 'unhandledRejection');
  });

  let reloading = false;
  process.on('SIGHUP', () => {
    if (!running || stopping || reloading) return;
    reloading = true;
    const current = running;
    systemd?.reloading();
    reload(current, deps)
      .then((next) => {
        if (next) status?.reloaded(next);
      })
      .catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'reload failed; the running configuration stays'))
      .finally(() => {
        reloading = false;
        systemd?.reloaded();
      });
  });

  logger.info({ version: deps.version, config: deps.configFile, routers: deps.config.routers.length }, 'tikprobe starting');
  starting = startBridge(deps.config, {
    logger,
    version: deps.version,
    observer: metrics,
    nezhaHistory,
    extras: (cfg, _log, probes) => pingTaskExtra(cfg, probes, metrics),
  });
  running = await starting;
  const bridge = running.bridge;
  systemd = startSystemdLifecycle(createNotifier(deps.env, logger), bridge, running.startedAt, systemClock);
  const nezhaV0 = createNezhaV0Api({
    token: deps.config.status?.token,
    view: () => bridge.view(),
    tagOf: (name) => bridge.routerConfigs().find((r) => r.name === name)?.tag,
    history: nezhaHistory,
    version: deps.version,
    now: () => Date.now(),
  });
  try {
    status = await attachStatus(deps.config, running, logger, deps.version, metrics, { routes: [nezhaV0] });
  } catch (err) {
    logger.fatal({ err: errorMessage(err) }, 'status server could not start');
    shutdown(1, 'status server');
  }
}

/** Applies the file again; resolves to the new config, or undefined when it was rejected. */
async function reload(running: RunningBridge, deps: RunDeps): Promise<Config | undefined> {
  let next: Config;
  try {
    next = await loadConfig(deps.configFile, deps.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      deps.logger.error({ issues: err.issues.length }, `new configuration rejected; the running one stays:\n${err.message}`);
      return undefined;
    }
    throw err;
  }
  await running.bridge.reload(next);
  return next;
}
