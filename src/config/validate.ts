/**
 * Schema checks of the whole file and of each router after `defaults:` is merged in, with
 * every zod issue mapped back to the line the user wrote. Pure.
 */
import { describeIssue, type ZodIssue } from './issue-text.js';
import type { IssueList } from './issue-list.js';
import { formatKeyPath, isPlainObject, type KeyPath, valueAt } from './key-path.js';
import { mergeDefaults } from './merge.js';
import { type Place, placeInRouter, placeOf } from './place.js';
import { type FileConfig, fileSchema, type RouterConfigParsed, routerSchema } from './schema.js';
import { knownKeys, schemaAt } from './schema-walk.js';
import { suggestKey } from './suggest.js';
import type { YamlSource } from './yaml-source.js';

export interface CheckContext {
  src: YamlSource;
  issues: IssueList;
  /** JSON Schema of the file (configJsonSchema()), for the keys allowed at each level. */
  jsonSchema: Record<string, unknown>;
}

export interface RouterEntry {
  index: number;
  /** The router with `defaults:` merged in; undefined when the list item is not a mapping. */
  merged: Record<string, unknown> | undefined;
  /** The schema's output; undefined when the router has problems. */
  parsed: RouterConfigParsed | undefined;
}

/** Where issues of one schema check belong and how they are placed. */
interface Scope {
  prefix: KeyPath;
  place(rel: KeyPath): Place;
  /** Set for a router: used to name it when a problem comes from `defaults:`. */
  router?: string;
  /** The router's `name:` when it is text, to name the router whose url is wrong. */
  name?: string;
}

const PER_ROUTER_ONLY = new Set(['name', 'url', 'tag', 'nezha']);

/**
 * The message for a key the schema does not know at `parent`: a typo suggestion, the section
 * the key belongs in, or the keys allowed there.
 */
export function unknownKeyMessage(jsonSchema: Record<string, unknown>, key: string, parent: KeyPath): string {
  const level = formatKeyPath(parent.map((s) => (typeof s === 'number' ? 0 : s)));
  if (level === 'defaults' && PER_ROUTER_ONLY.has(key)) return `"${key}" is set in each router, not under defaults:`;
  const here = schemaAt(jsonSchema, parent);
  const known = knownKeys(here);
  const suggestion = suggestKey(key, known);
  if (suggestion) return `unknown key "${key}" (did you mean "${suggestion}"?)`;
  const section = known.find((k) => here !== undefined && knownKeys(schemaAt(here, [k])).includes(key));
  if (section) return `unknown key "${key}" here (it belongs under ${section}:)`;
  return known.length > 0 ? `unknown key "${key}" (allowed here: ${known.join(', ')})` : `unknown key "${key}"`;
}

function relPath(issue: ZodIssue): KeyPath {
  return issue.path.filter((s): s is string | number => typeof s !== 'symbol');
}

function reportIssue(ctx: CheckContext, scope: Scope, issue: ZodIssue, data: unknown): Place[] {
  const rel = relPath(issue);
  const full = [...scope.prefix, ...rel];
  const places: Place[] = [];
  const add = (place: Place, path: KeyPath, message: string) => {
    places.push(place);
    ctx.issues.add({
      path: formatKeyPath(path),
      line: place.line,
      message,
      node: formatKeyPath(place.node),
      inheritedBy: place.fromDefaults ? scope.router : undefined,
    });
  };
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) add(scope.place([...rel, key]), full, unknownKeyMessage(ctx.jsonSchema, key, full));
    return places;
  }
  let message = describeIssue(issue, valueAt(data, rel), full);
  if (message === 'missing' && scope.router !== undefined && rel.length === 1) {
    const inheritable = knownKeys(schemaAt(ctx.jsonSchema, ['defaults']));
    if (inheritable.includes(String(rel[0]))) message = 'missing: set it in this router or under defaults:';
  }
  if (rel[0] === 'url' && scope.name !== undefined && message !== 'missing') message += ` (router ${JSON.stringify(scope.name)})`;
  add(scope.place(rel), full, message);
  return places;
}

/** Checks the file as written (with `defaults:` still separate). */
export function validateFile(ctx: CheckContext, doc: Record<string, unknown>): FileConfig | undefined {
  const result = fileSchema.safeParse(doc);
  if (result.success) return result.data;
  const scope: Scope = { prefix: [], place: (rel) => placeOf(ctx.src, rel) };
  for (const issue of result.error.issues) {
    for (const place of reportIssue(ctx, scope, issue, doc)) {
      // A bad default is reported here once; the same value seen again in each router is not.
      if (place.node[0] === 'defaults' && place.node.length > 1) ctx.issues.settle(formatKeyPath(place.node));
      else if (place.node[0] === 'defaults' && !isPlainObject(doc.defaults)) ctx.issues.settle('defaults');
    }
  }
  return undefined;
}

/** Checks each router with `defaults:` merged in. */
export function validateRouters(ctx: CheckContext, doc: Record<string, unknown>): RouterEntry[] {
  const defaults = isPlainObject(doc.defaults) ? doc.defaults : {};
  const routers = Array.isArray(doc.routers) ? doc.routers : [];
  return routers.map((raw, index): RouterEntry => {
    // Not a mapping: validateFile has said so.
    if (!isPlainObject(raw)) return { index, merged: undefined, parsed: undefined };
    const merged = mergeDefaults(defaults, raw);
    const result = routerSchema.safeParse(merged);
    if (result.success) return { index, merged, parsed: result.data };
    const scope: Scope = {
      prefix: ['routers', index],
      place: (rel) => placeInRouter(ctx.src, index, rel),
      router: formatKeyPath(['routers', index]),
      ...(typeof raw.name === 'string' ? { name: raw.name.slice(0, 64) } : {}),
    };
    for (const issue of result.error.issues) reportIssue(ctx, scope, issue, merged);
    return { index, merged, parsed: undefined };
  });
}
