/**
 * `tikprobe state import --from-dir DIR [--config FILE]`: copies a single-process state.dir
 * into the database named by the configuration's `cluster.postgres`, so switching to cluster
 * mode keeps every total and Komari registration. Run it before the replicas start.
 */
import { parseArgs } from 'node:util';
import { importStateDir } from '../cluster/import.js';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import { createLogger } from '../log.js';
import { createStateStore } from '../state/store.js';

export async function runStateCommand(args: string[], env: Record<string, string | undefined>, out: (text: string) => void): Promise<boolean> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new Error(`unknown "state" command ${sub === undefined ? '(none)' : `"${sub}"`}: use "tikprobe state import --from-dir DIR"`);
  const { values } = parseArgs({ args: rest, options: { 'from-dir': { type: 'string' }, config: { type: 'string', short: 'c' } }, strict: true });
  const dir = values['from-dir'];
  if (!dir) throw new Error('state import needs --from-dir DIR (the state.dir of the single process)');
  const config = await loadConfig(resolveConfigPath(values.config, env), env);
  if (!config.cluster) throw new Error(`${config.file} has no cluster: section; state import writes to the cluster's database`);
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => out(line.trimEnd()) } });
  const store = createStateStore(dir, { logger });
  const result = await importStateDir(dir, config.cluster.postgres, store);
  out(`imported ${result.imported.length} router(s); kept ${result.skipped.length} already in the database; ${result.unreadable.length} unreadable`);
  if (result.skipped.length > 0) out(`already in the database (not changed): ${result.skipped.slice(0, 20).join(', ')}`);
  if (result.unreadable.length > 0) out(`not imported (unreadable): ${result.unreadable.slice(0, 20).join(', ')}`);
  return result.unreadable.length === 0;
}
