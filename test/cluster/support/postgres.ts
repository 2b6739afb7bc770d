/**
 * A throw-away PostgreSQL server for the cluster tests, started from Debian's binaries
 * (/usr/lib/postgresql/<version>/bin, installed by .ci/run). As root it runs as the
 * `postgres` user, since PostgreSQL refuses to run as root. Listens on loopback only,
 * trust authentication, data in a temporary directory removed on stop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  url: string;
  version: string;
  stop(): void;
}

/** The newest installed server's bin directory, or why there is none. */
function findBin(): { bin: string } | { reason: string } {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return { reason: `no PostgreSQL server binaries under ${root} (apt-get install postgresql)` };
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) return { reason: `no initdb under ${root}/*/bin` };
  return { bin: join(root, versions[0]!, 'bin') };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Starts a server, or returns the reason it cannot (the caller skips and prints it). */
export async function startTestPostgres(): Promise<TestPostgres | { reason: string }> {
  const found = findBin();
  if ('reason' in found) return found;
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) return { reason: 'running as root and there is no "postgres" user to run the server as' };
    uid = Number(ids.stdout.trim());
    gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  }
  const dir = mkdtempSync(join(tmpdir(), 'tikprobe-pg-'));
  chmodSync(dir, 0o700);
  if (uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (cmd: string, args: string[]) =>
    execFileSync(join(found.bin, cmd), args, { stdio: 'pipe', ...(uid !== undefined ? { uid, gid } : {}), cwd: dir });
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`;
    run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { reason: `PostgreSQL did not start: ${stderr || String(err)}` };
  }
  const version = execFileSync(join(found.bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
