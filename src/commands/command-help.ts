/** The usage of each command, printed by `tikprobe <command> --help`. */
const CONFIG_OPTION = '  -c, --config FILE   the configuration (default: $TIKPROBE_CONFIG, ./tikprobe.yaml, /etc/tikprobe/config.yaml)';

export const COMMAND_HELP: Record<string, string> = {
  run: `Usage: tikprobe run [--config FILE]

Runs the daemon: polls every router and reports to the dashboards until SIGTERM/SIGINT.
SIGHUP reloads the configuration (an invalid file is reported and the running one stays).

${CONFIG_OPTION}
Exit codes: 78 configuration error, 1 anything else that stops it.`,
  check: `Usage: tikprobe check [--config FILE]

The one command to run when something is wrong: checks the configuration, that the state
directory is writable, each router (login, policies, TLS), each dashboard (the Komari token of
every router, the Nezha dashboard and its secret) and that the status address is free.
Prints one table, one line per problem with its fix.

${CONFIG_OPTION}
Exit codes: 0 all OK, 78 configuration error, 1 any check failed.`,
  once: `Usage: tikprobe once [--config FILE] [--router NAME]

One cycle (two samples 1 s apart) of each router, printed as JSON; sends nothing.

${CONFIG_OPTION}
  --router NAME       only this router (case-insensitive)
Exit codes: 0 every router answered, 78 configuration error, 1 a router failed.`,
  schema: `Usage: tikprobe schema

Prints the JSON Schema of the configuration file (for editors and CI).`,
  init: `Usage: tikprobe init [--output FILE] [--force]

Writes a commented starter configuration (default ./tikprobe.yaml; never overwrites one
unless --force) and prints the RouterOS commands that create a least-privilege user.

  -o, --output FILE   where to write it (- for standard output)
  --force             overwrite an existing file`,
  simulate: `Usage: tikprobe simulate [--routers N] [--port P] [--conntrack K] [--tls] [--password PW] [--write-config FILE]

Serves N simulated RouterOS REST APIs on 127.0.1.1, 127.0.1.2, … until SIGINT/SIGTERM
(needs a development checkout: the simulator is not in the published package).

  --routers N          how many (default 3, at most 20000)
  --port P             the REST port of each (default 8080)
  --conntrack K        connection-tracking entries per router (default 1000)
  --tls                serve https with a self-signed certificate
  --password PW        the password the simulated routers accept (default: a built-in one,
                       written into --write-config FILE)
  --write-config FILE  write a tikprobe configuration for them
The statistics port is printed at start.`,
  demo: `Usage: tikprobe demo

Simulated routers, a built-in Komari receiver and the bridge, with a live table; Ctrl-C stops.
Needs a development checkout (the simulator is not in the published package).`,
};
