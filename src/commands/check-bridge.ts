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
import type { Config } from '../config/schema.js';
import { sharedKomariTokens } from '../config/shared-tokens.js';

export interface BridgeCheck {
  what: string;
  ok: boolean;
  text: string;
}

const CONNECT_DEADLINE_MS = 5000;

export async function bridgeChecks(config: Config): Promise<BridgeCheck[]> {
  const checks: BridgeCheck[] = [await stateDirCheck(config.stateDir)];
  for (const names of sharedKomariTokens(config.routers))
    checks.push({ what: 'komari tokens', ok: false, text: `${names.join(', ')} share one token: they would overwrite one Komari node; give each router its own node's token` });
  if (config.nezha) checks.push(await nezhaCheck(config.nezha.server));
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
    socket.once('connect', () => done({ what, ok: true, text: `${server} reachable (the secret is checked at the first report)` }));
    socket.once('timeout', () => done({ what, ok: false, text: `${server}: no answer within ${CONNECT_DEADLINE_MS / 1000} s; check nezha.server and the firewall` }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ what, ok: false, text: `${server} unreachable (${err.code ?? 'error'}); check nezha.server, the dashboard and the firewall` }),
    );
  });
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
