/**
 * Loads the configuration: YAML with positions, `${VAR}` substitution, version check,
 * `defaults:` merged into each router, schema and fleet checks, secret files. Every problem
 * is collected and thrown at once as a ConfigError of `file:line path: message` issues.
 *
 * Relative paths written in the file (`state.dir`, `passwordFile`, `komari.tokenFile`,
 * `tls.ca`) are relative to the directory of the configuration file, so the same file works
 * whatever the current directory is (systemd starts services in `/`).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { MAX_CONFIG_BYTES, readBoundedText, sizeText } from './bounded-read.js';
import { checkFleet } from './fleet-checks.js';
import { isSecretPath } from './issue-text.js';
import { IssueList } from './issue-list.js';
import { formatKeyPath, isPlainObject, type KeyPath } from './key-path.js';
import { migrate, versionProblem } from './migrate.js';
import { resolveNezha } from './resolve-nezha.js';
import { type ResolveContext, resolveRouter } from './resolve-secrets.js';
import { type Config, configJsonSchema, type FileConfig, type RouterConfig } from './schema.js';
import { ConfigFiles, type ReadFile, readFailureReason } from './secret-files.js';
import { substituteDocument } from './substitute-document.js';
import { type CheckContext, validateFile, validateRouters } from './validate.js';
import { parseYamlSource, toPlainData } from './yaml-source.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  /** Reads the configuration and the files it names; defaults to fs.readFile as UTF-8. */
  readFile?: ReadFile;
  /** Directory a relative config path is resolved against; defaults to process.cwd(). */
  cwd?: string;
}

const readUtf8: ReadFile = (path, maxBytes) => readBoundedText(path, maxBytes);

/** Reads and loads the configuration file. Throws ConfigError with every problem found. */
export async function loadConfig(file: string, env: Env, opts: LoadOptions = {}): Promise<Config> {
  const read = opts.readFile ?? readUtf8;
  let text: string;
  try {
    text = await read(resolve(opts.cwd ?? process.cwd(), file), MAX_CONFIG_BYTES);
  } catch (err) {
    const reason = readFailureReason(err);
    const hint = reason === 'no such file' && file === DEFAULT_CONFIG_PATH ? ` (looked at ${SEARCHED_TEXT}; \`tikprobe init\` writes one)` : '';
    throw new ConfigError([{ file, line: undefined, path: '', message: `cannot read the configuration file: ${reason}${hint}` }]);
  }
  return loadConfigText(text, file, env, opts);
}

/** Loads configuration text as if read from `file` (for messages and relative paths). */
export async function loadConfigText(text: string, file: string, env: Env, opts: LoadOptions = {}): Promise<Config> {
  const cwd = opts.cwd ?? process.cwd();
  const baseDir = dirname(resolve(cwd, file));
  const issues = new IssueList();
  const fail = (secrets: readonly string[] = []) => new ConfigError(issues.toConfigIssues(file, secrets));
  const tooLarge = sourceTooLarge(text);
  if (tooLarge) throw new ConfigError([{ file, line: undefined, path: '', message: tooLarge }]);

  const parsed = parseYamlSource(text);
  for (const p of parsed.problems) issues.add({ path: formatKeyPath(p.path), line: p.line, message: p.message });
  const src = parsed.source;
  if (!src) throw fail();

  const jsonSchema = configJsonSchema();
  const fromVariables = substituteDocument(src, env, jsonSchema, issues);
  const data = toPlainData(src.doc);
  if ('error' in data) {
    issues.add({ path: '', line: undefined, message: data.error });
    throw fail(fromVariables);
  }
  const raw = data.value as Record<string, unknown>;
  const secrets = [...collectSecrets(raw), ...fromVariables];

  // A file of another version is judged by nothing else: its other messages would mislead.
  const badVersion = versionProblem(raw.version);
  if (badVersion) throw new ConfigError([{ file, line: src.lineOf(['version']) ?? 1, path: 'version', message: badVersion }]);
  const doc = migrate(raw);

  const ctx: CheckContext = { src, issues, jsonSchema };
  const top = validateFile(ctx, doc);
  const routers = validateRouters(ctx, doc);
  checkFleet(ctx, doc, routers);

  const resolveCtx: ResolveContext = { src, issues, files: new ConfigFiles(opts.readFile ?? readUtf8, baseDir), secrets };
  const resolved: RouterConfig[] = [];
  for (const entry of routers) {
    if (!entry.parsed) continue;
    const router = await resolveRouter(resolveCtx, entry.index, entry.parsed);
    if (router) resolved.push(router);
  }

  const nezha = top?.nezha ? await resolveNezha(resolveCtx, top.nezha) : undefined;

  if (issues.size > 0 || !top) throw fail(secrets);
  return {
    file,
    komari: top.komari,
    ...(nezha ? { nezha } : {}),
    stateDir: stateDirectory(top, env, baseDir, cwd),
    logLevel: top.log.level,
    concurrency: top.concurrency,
    workers: top.workers,
    status: top.status,
    ...(top.cluster ? { cluster: top.cluster } : {}),
    routers: resolved,
  };
}

/**
 * `state.dir` from the file (relative to the file's directory); else `$STATE_DIRECTORY`, which
 * systemd sets from StateDirectory= (the first entry when it lists several, `:`-separated);
 * else a `state` directory next to the configuration file.
 */
export function stateDirectory(top: Pick<FileConfig, 'state'>, env: Env, baseDir: string, cwd: string): string {
  if (top.state.dir !== undefined) return resolve(baseDir, top.state.dir);
  const fromSystemd = env.STATE_DIRECTORY?.split(':').find((p) => p !== '');
  if (fromSystemd !== undefined) return resolve(cwd, fromSystemd);
  return resolve(baseDir, 'state');
}

/**
 * Which configuration file to load: `--config` wins, then `$TIKPROBE_CONFIG`, then
 * `./tikprobe.yaml` when it exists, then `/etc/tikprobe/config.yaml`.
 */
export function resolveConfigPath(argv: string | undefined, env: Env, exists: (path: string) => boolean = existsSync): string {
  if (argv !== undefined && argv !== '') return argv;
  const fromEnv = env.TIKPROBE_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (exists('tikprobe.yaml')) return './tikprobe.yaml';
  return DEFAULT_CONFIG_PATH;
}

export const DEFAULT_CONFIG_PATH = '/etc/tikprobe/config.yaml';

/** Where a configuration was looked for when none was named, for the "not found" message. */
export const SEARCHED_TEXT = `--config, $TIKPROBE_CONFIG, ./tikprobe.yaml, ${DEFAULT_CONFIG_PATH}`;

/** A file too large, or with too many aliases, to parse in bounded time and memory. */
function sourceTooLarge(text: string): string | undefined {
  if (text.length > MAX_CONFIG_BYTES) return `the configuration file is larger than ${sizeText(MAX_CONFIG_BYTES)}`;
  let aliases = 0;
  for (const _ of text.matchAll(ALIAS_TOKEN)) if (++aliases > MAX_ALIASES) return `more than ${MAX_ALIASES} YAML aliases (*name); use defaults: for shared settings`;
  return undefined;
}

/** A YAML alias: `*name` after a line start, a space, a flow bracket or a comma. */
const ALIAS_TOKEN = /(?:^|[\s,[{])\*[^\s,[\]{}]+/g;
export const MAX_ALIASES = 1000;

/** Every secret value written in the file, so no message can show one. */
function collectSecrets(root: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: KeyPath) => {
    if (Array.isArray(node)) for (const [i, v] of node.entries()) walk(v, [...path, i]);
    else if (isPlainObject(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    else if ((typeof node === 'string' || typeof node === 'number') && isSecretPath(path)) out.push(String(node));
  };
  walk(root, []);
  return out;
}
