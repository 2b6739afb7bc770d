/**
 * docs/configuration.md, generated from the configuration's JSON Schema (itself generated from
 * the zod schema), so the reference cannot drift from what the loader accepts. A test fails
 * when the committed file differs from this output. Pure.
 */
import { isPlainObject } from './key-path.js';
import { configJsonSchema } from './schema.js';

type Node = Record<string, unknown>;

const asNode = (v: unknown): Node | undefined => (isPlainObject(v) ? v : undefined);
const propsOf = (n: Node | undefined): [string, Node][] =>
  Object.entries(asNode(n?.properties) ?? {}).flatMap(([k, v]) => (asNode(v) ? [[k, v as Node] as [string, Node]] : []));
const isObject = (n: Node) => n.type === 'object' && asNode(n.properties) !== undefined;
const code = (s: string) => `\`${s}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** What a value of this schema looks like, in words. */
export function describeType(n: Node): string {
  const duration = asNode(n['x-duration']);
  if (duration) return `duration, ${duration.min}–${duration.max}`;
  if ('const' in n) return code(JSON.stringify(n.const));
  if (Array.isArray(n.enum)) return n.enum.map((v) => code(String(v))).join(' | ');
  if (Array.isArray(n.anyOf)) return n.anyOf.map((b) => (asNode(b) ? describeType(b as Node) : '?')).join(' or ');
  const range = (lo: unknown, hi: unknown) =>
    lo !== undefined && hi !== undefined ? ` ${lo}–${hi}` : lo !== undefined ? ` ≥ ${lo}` : hi !== undefined ? ` ≤ ${hi}` : '';
  switch (n.type) {
    case 'string':
      if (n.format === 'uri') return 'URL';
      if (typeof n.pattern === 'string') return `text matching ${code(n.pattern)}`;
      if (n.minLength !== undefined && n.minLength !== 1) return `text, at least ${n.minLength} characters`;
      return 'text';
    case 'integer':
      return `integer${range(n.minimum, n.maximum)}`;
    case 'number':
      return `number${range(n.minimum, n.maximum)}`;
    case 'boolean':
      return '`true` | `false`';
    case 'array': {
      const item = asNode(n.items);
      return `list of ${item ? describeType(item) : 'values'}`;
    }
    case 'object':
      return 'mapping';
    default:
      return 'any';
  }
}

function describeDefault(n: Node, required: boolean): string {
  if ('default' in n && !isObject(n)) return code(typeof n.default === 'string' ? n.default : JSON.stringify(n.default));
  return required ? '**required**' : '';
}

interface Row {
  key: string;
  type: string;
  dflt: string;
  description: string;
}

function rowsOf(parent: Node, prefix: string, skip: ReadonlySet<string> = new Set()): { rows: Row[]; sections: [string, Node][] } {
  const required = new Set(Array.isArray(parent.required) ? (parent.required as string[]) : []);
  const rows: Row[] = [];
  const sections: [string, Node][] = [];
  for (const [key, n] of propsOf(parent)) {
    if (skip.has(key)) continue;
    const path = `${prefix}${key}`;
    if (isObject(n)) {
      sections.push([path, n]);
      rows.push({ key: path, type: 'mapping', dflt: required.has(key) ? '**required**' : '', description: `${String(n.description ?? '')} (see below)`.trim() });
      continue;
    }
    rows.push({ key: path, type: describeType(n), dflt: describeDefault(n, required.has(key)), description: String(n.description ?? '') });
    // `false` or a mapping (a per-router opt-out): the mapping's keys get a section too.
    const branch = Array.isArray(n.anyOf) ? n.anyOf.map(asNode).find((b) => b !== undefined && isObject(b)) : undefined;
    if (branch) sections.push([path, branch]);
  }
  return { rows, sections };
}

function table(rows: readonly Row[]): string[] {
  return [
    '| key | value | default | meaning |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${code(r.key)} | ${cell(r.type)} | ${cell(r.dflt)} | ${cell(r.description)} |`),
  ];
}

/** One `##` section per mapping, depth first, so each nested block has its own table. */
function sectionsFor(titlePrefix: string, path: string, node: Node): string[] {
  const { rows, sections } = rowsOf(node, `${path}.`);
  const out = ['', `## ${code(`${titlePrefix}${path}`)}`, ''];
  if (typeof node.description === 'string') out.push(`${node.description}.`, '');
  out.push(...table(rows));
  for (const [child, n] of sections) out.push(...sectionsFor(titlePrefix, child, n));
  return out;
}

const PREAMBLE = [
  '# Configuration reference',
  '',
  '<!-- Generated from src/config/schema.ts by scripts/gen-config-docs.mjs. Do not edit by hand:',
  '     run `npm run build && node scripts/gen-config-docs.mjs`. A test fails when this file is stale. -->',
  '',
  'tikprobe reads one YAML file: `--config FILE`, else `$TIKPROBE_CONFIG`, else `./tikprobe.yaml`,',
  'else `/etc/tikprobe/config.yaml`. [config.example.yaml](../config.example.yaml) is a commented',
  'example; `tikprobe schema` prints the JSON Schema for editors; `tikprobe check` validates a file',
  'and tests every router.',
  '',
  '- **Durations** are written `"500ms"`, `"5s"`, `"10m"`, `"1h"` or as a bare number of seconds.',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the docs show the literal ${VAR} syntax
  '- **`${VAR}`** and `${VAR:-fallback}` are replaced from the environment in every value (never in',
  '  keys); an unset variable without a fallback is an error that names it, never its value.',
  '- **Relative paths** (`state.dir`, `passwordFile`, `komari.tokenFile`, `tls.ca`) are relative to',
  '  the directory of the configuration file.',
  '- **Unknown keys are errors.** Every problem is reported at once as `file:line path: message`',
  '  and tikprobe exits with code 78 without starting anything.',
  '- **`defaults:`** holds any router setting; every router inherits it (deep merge, the',
  "  router's own keys win).",
];

export function renderConfigDocs(schema: Record<string, unknown> = configJsonSchema()): string {
  const root = schema as Node;
  const routerItems = asNode(asNode(asNode(root.properties)?.routers)?.items) ?? {};
  const inheritable = new Set(propsOf(asNode(asNode(root.properties)?.defaults)).map(([k]) => k));
  const out = [...PREAMBLE, '', '## Top level', ''];
  const top = rowsOf(root, '', new Set(['routers', 'defaults']));
  out.push(...table(top.rows));
  for (const [path, child] of top.sections) out.push(...sectionsFor('', path, child));

  const routers = rowsOf(routerItems, '');
  out.push(
    '',
    '## `routers[]` and `defaults`',
    '',
    '`routers` is a list of at least one router. Each router takes the keys below; those marked',
    '"yes" may instead be set once under `defaults:` for every router.',
    '',
    '| key | value | default | under `defaults:` | meaning |',
    '|---|---|---|---|---|',
    ...routers.rows.map(
      (r) => `| ${code(r.key)} | ${cell(r.type)} | ${cell(r.dflt)} | ${inheritable.has(r.key) ? 'yes' : 'no'} | ${cell(r.description)} |`,
    ),
  );
  for (const [path, child] of routers.sections) out.push(...sectionsFor('routers[].', path, child));
  return `${out.join('\n')}\n`;
}
