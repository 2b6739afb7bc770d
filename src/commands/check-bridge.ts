/**
 * The checks of `tikprobe check` that are about this host and the dashboards rather than one
 * router: the state directory, shared Komari tokens, the Nezha dashboard, the status address.
 * Each answers one line: OK, or the problem and its fix.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { dirname } from 'node:path';
import { parseListen } from '../config/listen.js';
import type { Config, NezhaConfig } from '../config/schema.js';
import { probeNezhaSecret, type SecretVerdict } from '../integrations/nezha/secret-probe.js';
import { createLogger } from '../log.js';
import { sharedKomariTokens } from '../config/shared-tokens.js';

export interface BridgeCheck {
  what: string;
  ok: boolean;
  text: string;
}

const CONNECT_DEADLINE_MS = 5000;

/** `knownNodeUuid`: a Nezha node the dashboard already has (configured or in a router's state), to ask about the secret with. */
export async function bridgeChecks(config: Config, knownNodeUuid?: string): Promise<BridgeCheck[]> {
  const checks: BridgeCheck[] = [await stateDirCheck(config.stateDir)];
  for (const names of sharedKomariTokens(config.routers))
    checks.push({ what: 'komari tokens', ok: false, text: `${names.join(', ')} share one token: they would overwrite one Komari node; give each router its own node's token` });
  if (config.nezha) {
    const reach = await nezhaCheck(config.nezha.server);
    checks.push(reach);
    if (reach.ok) checks.push(await nezhaSecretCheck(config.nezha, knownNodeUuid));
  }
  if (config.status) checks.push(await listenCheck(config.status.listen));
  return checks;
}

/** Writable, or (absent) creatable: the nearest existing ancestor is a writable directory. */
export async function stateDirCheck(dir: string): Promise<BridgeCheck> {
  const what = 'state.dir';
  let probe = dir;
  for (;;) {
    const info = await stat(probe).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) return { what, ok: false, text: `${probe} is not a directory; set state.dir to a directory tikprobe may write` };
      try {
        await access(probe, constants.W_OK | constants.X_OK);
        return { what, ok: true, text: probe === dir ? `${dir} writable` : `${dir} will be created` };
      } catch {
        return { what, ok: false, text: `${probe} is not writable by this user; chown it to the tikprobe user or set state.dir` };
      }
    }
    const parent = dirname(probe);
    if (parent === probe) return { what, ok: false, text: `no existing parent of ${dir}` };
    probe = parent;
  }
}

export function nezhaCheck(server: string): Promise<BridgeCheck> {
  const what = 'nezha';
  const addr = parseListen(server);
  if (!addr) return Promise.resolve({ what, ok: false, text: `nezha.server ${server} is not host:port` });
  return new Promise((resolve) => {
    const socket = createConnection({ host: addr.host, port: addr.port, timeout: CONNECT_DEADLINE_MS });
    const done = (check: BridgeCheck) => {
      socket.destroy();
      resolve(check);
    };
    socket.once('connect', () => done({ what, ok: true, text: `${server} reachable` }));
    socket.once('timeout', () => done({ what, ok: false, text: `${server}: no answer within ${CONNECT_DEADLINE_MS / 1000} s; check nezha.server and the firewall` }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ what, ok: false, text: `${server} unreachable (${err.code ?? 'error'}); check nezha.server, the dashboard and the firewall` }),
    );
  });
}

const SILENT = createLogger({ level: 'silent', destination: { write: () => undefined } });

/** The agent secret, asked with a node the dashboard knows; without one it cannot be asked safely. */
export async function nezhaSecretCheck(nezha: NezhaConfig, knownNodeUuid: string | undefined): Promise<BridgeCheck> {
  const what = 'nezha secret';
  if (knownNodeUuid === undefined) {
    return { what, ok: true, text: 'not asked yet: no router has a Nezha node (the first `run` creates them; a refused secret is then logged once and Nezha pauses)' };
  }
  return secretLine(await probeNezhaSecret(nezha, knownNodeUuid, SILENT, CONNECT_DEADLINE_MS));
}

function secretLine(verdict: SecretVerdict): BridgeCheck {
  const what = 'nezha secret';
  switch (verdict.kind) {
    case 'accepted':
      return { what, ok: true, text: 'accepted' };
    case 'node-refused':
      return { what, ok: false, text: "accepted, but a router's node belongs to another dashboard user: set that router's nezha.uuid or remove the node in the dashboard" };
    case 'refused':
      return { what, ok: false, text: `refused (${verdict.detail}): copy the agent secret from the dashboard (Settings, agent secret) into nezha.secret or nezha.secretFile` };
    case 'unreachable':
      return { what, ok: false, text: `no gRPC answer (${verdict.detail}): set nezha.tls to match the dashboard (true behind https, false for plain h2c) and point nezha.server at its gRPC port` };
    case 'unknown':
      return { what, ok: true, text: `not verified: ${verdict.detail}` };
  }
}

export function listenCheck(listen: string): Promise<BridgeCheck> {
  const what = 'status.listen';
  const addr = parseListen(listen);
  if (!addr) return Promise.resolve({ what, ok: false, text: `${listen} is not host:port` });
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ what, ok: false, text: `${listen} cannot be bound (${err.code ?? 'error'}): another process holds it, or pick another port` }),
    );
    server.listen(addr.port, addr.host, () => server.close(() => resolve({ what, ok: true, text: `${listen} free` })));
  });
}

export function renderBridgeChecks(checks: readonly BridgeCheck[]): string {
  const width = Math.max(...checks.map((c) => c.what.length), 4);
  return checks.map((c) => `${c.what.padEnd(width)}  ${c.ok ? 'OK' : 'FAIL'} ${c.text}`).join('\n');
}
