/**
 * Reads the configuration's JSON Schema (from schema.ts) by document path: which keys exist at
 * a level (for "did you mean"), and which scalar types a field takes (for typed `${VAR}`).
 * Pure.
 */
import { isPlainObject, type KeyPath } from './key-path.js';

type JsonSchema = Record<string, unknown>;

function asSchema(v: unknown): JsonSchema | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** The schema and its `anyOf` branches: the places a property or item may be declared. */
function alternatives(node: JsonSchema): JsonSchema[] {
  const out = [node];
  if (Array.isArray(node.anyOf)) for (const b of node.anyOf) if (isPlainObject(b)) out.push(b);
  return out;
}

/** The subschema describing the value at `path`, or undefined when the schema has no such place. */
export function schemaAt(root: JsonSchema, path: KeyPath): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    let next: JsonSchema | undefined;
    for (const alt of alternatives(node)) {
      next = typeof seg === 'number' ? asSchema(alt.items) : asSchema(asSchema(alt.properties)?.[seg]);
      if (next) break;
    }
    node = next;
  }
  return node;
}

/** The keys an object at this place may hold. */
export function knownKeys(node: JsonSchema | undefined): string[] {
  if (!node) return [];
  const keys = new Set<string>();
  for (const alt of alternatives(node)) for (const k of Object.keys(asSchema(alt.properties) ?? {})) keys.add(k);
  return [...keys];
}

export type ScalarKind = 'number' | 'boolean';

/**
 * The non-string scalar kinds a field accepts, or an empty list when it accepts text (or is not
 * a scalar field). Only such fields take a typed value from a `${VAR}`.
 */
export function typedScalarKinds(node: JsonSchema | undefined): ScalarKind[] {
  if (!node) return [];
  const kinds = new Set<string>();
  for (const alt of alternatives(node)) {
    const t = alt.type;
    if (typeof t === 'string') kinds.add(t);
    else if (Array.isArray(t)) for (const x of t) kinds.add(String(x));
  }
  if (kinds.has('string')) return [];
  const out: ScalarKind[] = [];
  if (kinds.has('number') || kinds.has('integer')) out.push('number');
  if (kinds.has('boolean')) out.push('boolean');
  return out;
}
