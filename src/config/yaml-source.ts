/**
 * The configuration file as YAML with node positions, so each problem can name its line.
 * Pure: takes text, returns the document and any syntax problems.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Scalar } from 'yaml';
import type { KeyPath } from './key-path.js';

/** A problem found in the YAML itself, before any schema check. */
export interface SourceProblem {
  path: KeyPath;
  line: number | undefined;
  message: string;
}

export interface YamlSource {
  readonly doc: Document.Parsed;
  /** The line of the node at `path` (of its key, for a mapping entry); undefined when absent. */
  lineOf(path: KeyPath): number | undefined;
}

export interface ParsedYaml {
  /** Undefined when the problems leave no usable document. */
  source: YamlSource | undefined;
  problems: SourceProblem[];
}

/** Errors after which the document is still the one the user meant; all others stop the load. */
const RECOVERABLE = new Set(['DUPLICATE_KEY']);

export function parseYamlSource(text: string): ParsedYaml {
  const lines = new LineCounter();
  // prettyErrors: false keeps source excerpts (which may hold a password) out of messages.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  const problems: SourceProblem[] = [];
  let fatal = false;
  for (const err of doc.errors) {
    if (!RECOVERABLE.has(err.code)) fatal = true;
    const offset = err.pos[0];
    if (err.code === 'DUPLICATE_KEY') {
      const dup = findKeyAt(doc, offset);
      problems.push({
        path: dup?.parent ?? [],
        line: lineAt(offset),
        message: dup ? `duplicate key "${dup.key}": a key may appear only once here` : 'duplicate key: a key may appear only once here',
      });
    } else {
      problems.push({ path: [], line: lineAt(offset), message: yamlMessage(err.code, err.message) });
    }
  }
  const source: YamlSource = { doc, lineOf: (path) => lineAt(entryOffset(doc, path)) };
  if (!fatal) {
    for (const alias of unresolvedAliases(doc)) {
      fatal = true;
      problems.push({ path: alias.path, line: lineAt(alias.offset), message: `alias *${alias.name} has no anchor &${alias.name} before it` });
    }
  }
  if (!fatal && doc.contents === null) {
    fatal = true;
    problems.push({ path: [], line: 1, message: 'the file is empty: it starts with "version: 1"' });
  } else if (!fatal && !isMap(doc.contents)) {
    fatal = true;
    problems.push({ path: [], line: 1, message: 'the file must be a mapping of keys (version:, komari:, routers:, …)' });
  }
  return { source: fatal ? undefined : source, problems };
}

/** yaml's messages, without quoted source text and with the few common ones made plainer. */
function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document (a second "---"); keep one';
  if (code === 'TAB_AS_INDENT') return 'tabs are not allowed for indentation; use spaces';
  return `YAML syntax: ${message.replace(/:\s*(["']).*\1\s*$/s, '')}`;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) && key.value !== null && key.value !== undefined ? String(key.value) : undefined;
}

function nodeOffset(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

/** Where the entry at `path` starts: its key for a mapping entry, else the node itself. */
function entryOffset(doc: Document.Parsed, path: KeyPath): number | undefined {
  let node: unknown = doc.contents;
  let offset = nodeOffset(node);
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node) && typeof seg === 'string') {
      const pair = node.items.find((p) => keyText(p.key) === seg);
      if (!pair) return undefined;
      node = pair.value;
      offset = nodeOffset(pair.key) ?? nodeOffset(pair.value);
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return undefined;
      offset = nodeOffset(node);
    } else {
      return undefined;
    }
  }
  return offset;
}

/** Calls `visit` for every scalar in value position (keys are never visited), with its path. */
export function forEachValueScalar(doc: Document.Parsed, visit: (scalar: Scalar, path: KeyPath) => void): void {
  const walk = (node: unknown, path: KeyPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key !== undefined) walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    } else if (isScalar(node)) {
      visit(node, path);
    }
  };
  walk(doc.contents, []);
}

function findKeyAt(doc: Document.Parsed, offset: number): { parent: KeyPath; key: string } | undefined {
  let found: { parent: KeyPath; key: string } | undefined;
  const walk = (node: unknown, path: KeyPath): void => {
    if (found) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key === undefined) continue;
        if (nodeOffset(pair.key) === offset) {
          found = { parent: path, key };
          return;
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return found;
}

/**
 * Aliases whose anchor is not set before them, in one pass in document order (yaml's own
 * Alias.resolve walks the whole document per alias: quadratic on a file of many aliases).
 */
function unresolvedAliases(doc: Document.Parsed): { path: KeyPath; offset: number | undefined; name: string }[] {
  const out: { path: KeyPath; offset: number | undefined; name: string }[] = [];
  const anchors = new Set<string>();
  const walk = (node: unknown, path: KeyPath): void => {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) out.push({ path, offset: nodeOffset(node), name: node.source });
      return;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.add(anchor);
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyAnchor = (pair.key as { anchor?: string } | null)?.anchor;
        if (keyAnchor) anchors.add(keyAnchor);
        walk(pair.value, [...path, keyText(pair.key) ?? '?']);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return out;
}

/** The document as plain data; undefined with a message when yaml refuses (e.g. alias bombs). */
export function toPlainData(doc: Document.Parsed): { value: unknown } | { error: string } {
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { error: /alias/i.test(msg) ? 'too many or circular aliases' : 'the document cannot be read as data' };
  }
}
