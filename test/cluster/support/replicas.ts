/** Replicas of the built CLI (`node dist/cli.js run`) for the cluster tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

export interface Replica {
  id: string;
  proc: ChildProcess;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<string>;
}

const CLI = join(import.meta.dirname, '../../../dist/cli.js');

/** `env`: variables of this replica only (the configuration may refer to them). */
export function startReplica(id: string, configFile: string, logDir: string, env: Record<string, string> = {}): Replica {
  const proc = spawn(process.execPath, [CLI, 'run', '--config', configFile], {
    env: { ...process.env, ...env, HOSTNAME: id, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(logDir, `${id}.log`));
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? String(code))));
  return { id, proc, exited };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
