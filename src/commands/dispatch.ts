/** argv → command; errors → exit codes (0 success, 78 configuration error, 1 anything else). */
import { parseArgs } from 'node:util';
import { runCheck } from './check.js';
import { COMMAND_HELP } from './command-help.js';
import { runInit } from './init.js';
import { runDemoCommand } from './demo.js';
import { runOnce } from './once.js';
import { runDaemon } from './run.js';
import { printSchema } from './schema.js';
import { runSimulateCommand } from './simulate.js';
import { runStateCommand } from './state-import.js';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import { ConfigError, errorMessage } from '../errors.js';
import { createLogger } from '../log.js';
import { readVersion } from '../version.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 78;

const HELP = `tikprobe — MikroTik RouterOS routers on a Komari dashboard, nothing installed on the routers

Usage:
  tikprobe run    [--config FILE]                 run the daemon
  tikprobe check  [--config FILE]                 check everything the daemon needs (run it when something is wrong)
  tikprobe once   [--config FILE] [--router NAME] one cycle (two samples 1 s apart); print JSON; send nothing
  tikprobe init   [--output FILE] [--force]       write a commented starter config; print the RouterOS user commands
  tikprobe schema                                 print the JSON Schema of the config file
  tikprobe simulate [--routers N] [--port P] [--conntrack K] [--tls] [--password PW] [--write-config FILE]
                                                  serve N simulated RouterOS REST APIs on 127.0.1.1, 127.0.1.2, …
  tikprobe demo                                   simulated routers + built-in Komari receiver + the bridge, live table
  tikprobe state import --from-dir DIR [--config FILE]
                                                  copy a state.dir into the cluster's PostgreSQL (docs/cluster.md)
  tikprobe --help | --version | <command> --help

--config defaults to $TIKPROBE_CONFIG, then ./tikprobe.yaml, then /etc/tikprobe/config.yaml.
Exit codes: 0 success, 78 configuration error, 1 anything else (check: any target failed).
Docs: README.md and docs/ in the package.`;

type Out = (text: string) => void;

export async function main(argv: string[], env: Record<string, string | undefined>, out: Out, err: Out): Promise<number | 'running'> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(HELP);
    return command === undefined ? EXIT_FAILURE : EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    out(readVersion());
    return EXIT_OK;
  }
  if (COMMAND_HELP[command] !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    out(COMMAND_HELP[command]);
    return EXIT_OK;
  }
  try {
    switch (command) {
      case 'init':
        return await runInit(rest, out);
      case 'schema':
        parseArgs({ args: rest, options: {}, strict: true });
        printSchema(out);
        return EXIT_OK;
      case 'run':
      case 'check':
      case 'once':
        return await configCommand(command, rest, env, out, err);
      case 'simulate':
        await runSimulateCommand(rest, out);
        return 'running';
      case 'demo':
        return await runDemoCommand(rest, env, out);
      case 'state':
        return (await runStateCommand(rest, env, out)) ? EXIT_OK : EXIT_FAILURE;
      default:
        err(`unknown command "${command}"\n\n${HELP}`);
        return EXIT_FAILURE;
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`${e.message}\n${e.issues.length} configuration error(s); nothing was started. See docs/configuration.md.`);
      return EXIT_CONFIG;
    }
    if (isArgError(e)) {
      err(`${errorMessage(e)}\n\n${HELP}`);
      return EXIT_FAILURE;
    }
    err(`tikprobe ${command}: ${errorMessage(e)}`);
    return EXIT_FAILURE;
  }
}

async function configCommand(
  command: 'run' | 'check' | 'once',
  args: string[],
  env: Record<string, string | undefined>,
  out: Out,
  err: Out,
): Promise<number | 'running'> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, router: { type: 'string' } },
    strict: true,
  });
  if (values.router !== undefined && command !== 'once') throw argError('--router is only for "once"');
  const configFile = resolveConfigPath(values.config, env);
  const config = await loadConfig(configFile, env);
  const version = readVersion();
  if (command === 'check') return (await runCheck({ config, version, out })) ? EXIT_OK : EXIT_FAILURE;
  if (command === 'once') {
    const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
    return (await runOnce({ config, router: values.router, out, err, logger, version })) ? EXIT_OK : EXIT_FAILURE;
  }
  const logger = createLogger({ level: config.logLevel });
  await runDaemon({
    configFile,
    config,
    env,
    logger,
    version,
    exit: (code) => {
      logger.flush(() => process.exit(code));
    },
  });
  return 'running';
}

class ArgError extends Error {}
function argError(message: string): ArgError {
  return new ArgError(message);
}
function isArgError(e: unknown): boolean {
  return e instanceof ArgError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
}
