/**
 * `tikprobe init`: a commented starter configuration and the RouterOS commands for a
 * least-privilege user. The starter file loads (with its variables set) as it is written.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';

export const STARTER_CONFIG = `# tikprobe configuration (every key: docs/configuration.md, or \`tikprobe schema\`).
# Secrets come from the environment (\${VAR}) or files (passwordFile, komari.tokenFile);
# they never appear in logs or error messages. Run \`tikprobe check\` after each change.
version: 1

komari:
  url: https://komari.example.com         # your Komari server

# nezha:                                  # a Nezha dashboard as well (optional)
#   server: nezha.example.com:443
#   secret: \${NEZHA_AGENT_SECRET}

defaults:                                 # inherited by every router
  username: tikprobe                      # the user the commands printed by \`tikprobe init\` create
  password: \${ROUTER_PASSWORD}
  intervals:
    report: 5s                            # Komari 1.2.1 and older: keep below 11s

routers:
  - name: home-gw                         # unique; A-Z a-z 0-9 . _ -
    url: https://192.168.88.1             # http(s)://host[:port] of the router's www-ssl/www service
    komari:
      token: \${HOME_GW_TOKEN}              # the node's token in Komari
    # tls:
    #   fingerprint: "…"                  # a self-signed certificate: \`tikprobe check\` prints it
`;

export const ROUTEROS_COMMANDS = `On each router (terminal or SSH), create a read-only group and user for tikprobe:

/user group add name=tikprobe policy=read,api,rest-api,test comment="tikprobe monitoring"
/user add name=tikprobe group=tikprobe password="<a long random password>" address=<tikprobe host IP>/32
/ip service set www-ssl disabled=no      # https (recommended; needs a certificate)

Then set ROUTER_PASSWORD and HOME_GW_TOKEN in the environment and run: tikprobe check`;

export async function runInit(args: string[], out: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { output: { type: 'string', short: 'o', default: 'tikprobe.yaml' }, force: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.output === '-') {
    out(STARTER_CONFIG);
    return 0;
  }
  const flags = constants.O_WRONLY | constants.O_CREAT | (values.force ? constants.O_TRUNC : constants.O_EXCL);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(values.output, flags, 0o600);
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') {
      out(`${values.output} already exists; nothing was written (use --force to overwrite, or --output FILE)`);
      return 1;
    }
    throw e;
  }
  try {
    await handle.writeFile(STARTER_CONFIG);
  } finally {
    await handle.close();
  }
  out(`wrote ${values.output}\n\n${ROUTEROS_COMMANDS}`);
  return 0;
}
