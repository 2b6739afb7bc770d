/**
 * `tikprobe run`: the daemon's signals and exit codes (the daemon itself is built in
 * daemon.ts). SIGTERM/SIGINT stop in order within 5 s (exit 0); a second one while stopping
 * is absorbed, never the default action that would kill the process unflushed. When the
 * deadline passes, the state is flushed (bounded) before exiting with 128 + signal. SIGHUP
 * reloads the file (an invalid file is rejected with its errors and the running config
 * stays); an unexpected exception stops what it can and exits 1 so the supervisor restarts
 * a clean process.
 */
import type { Config } from '../config/schema.js';
import { type Daemon, startDaemon } from '../daemon.js';
import { limitHeapGrowth } from '../heap-growth.js';
import { keepWasmBaseline } from '../wasm-tier.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { EXIT_CANTCREAT, StateDirError } from '../state/writable.js';
import { settlesWithin } from '../time/timers.js';

export const STOP_DEADLINE_MS = 5000;
/** At the deadline, the last flush may take this long before the process exits anyway. */
const LAST_FLUSH_MS = 1000;

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
  const run: RunState = { starting: undefined, stopping: false };
  const shutdown = (code: number, reason: string) => stopOnce(run, deps, code, reason);
  process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
  process.on('SIGINT', () => shutdown(0, 'SIGINT'));
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
    if (run.starting === undefined || run.stopping || reloading) return;
    reloading = true;
    run.starting
      .then((daemon) => daemon.reload())
      .catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'reload failed; the running configuration stays'))
      .finally(() => {
        reloading = false;
      });
  });

  logger.info({ version: deps.version, config: deps.configFile, routers: deps.config.routers.length }, 'tikprobe starting');
  const heapGrowingPercent = limitHeapGrowth(deps.config.routers.length, process.execArgv);
  if (heapGrowingPercent !== undefined) logger.info({ heapGrowingPercent }, 'V8 heap growth limited for this fleet size (see docs/deployment.md, "Memory of a large fleet")');
  keepWasmBaseline(process.execArgv);
  run.starting = startDaemon(deps);
  try {
    await run.starting;
  } catch (err) {
    logger.fatal({ err: errorMessage(err) }, 'tikprobe could not start');
    if (!run.stopping) {
      run.stopping = true;
      deps.exit(err instanceof StateDirError ? EXIT_CANTCREAT : 1);
    }
  }
}

interface RunState {
  starting: Promise<Daemon> | undefined;
  stopping: boolean;
}

/** The one shutdown: later signals are absorbed; the deadline saves state (bounded) before it exits. */
function stopOnce(run: RunState, deps: RunDeps, code: number, reason: string): void {
  const { logger } = deps;
  if (run.stopping) {
    logger.warn({ signal: reason }, 'already stopping; the signal is absorbed');
    return;
  }
  run.stopping = true;
  logger.info({ reason }, 'stopping');
  const deadline = setTimeout(() => {
    logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'shutdown deadline passed; saving state and exiting');
    const exitCode = code === 0 ? 128 + (SIGNAL_NUMBERS[reason] ?? 15) : code;
    const flushed = run.starting?.then((d) => d.flushState()) ?? Promise.resolve();
    void settlesWithin(flushed, LAST_FLUSH_MS).then(() => deps.exit(exitCode));
  }, STOP_DEADLINE_MS);
  deadline.unref();
  // A stop during start waits for the start to finish, then stops what it started.
  (run.starting ?? Promise.reject(new Error('not started')))
    .then((daemon) => daemon.stop())
    .then(() => {
      clearTimeout(deadline);
      logger.info('stopped');
      deps.exit(code);
    })
    .catch((err: unknown) => {
      clearTimeout(deadline);
      logger.error({ err: errorMessage(err) }, 'error while stopping');
      deps.exit(code === 0 ? 1 : code);
    });
}
