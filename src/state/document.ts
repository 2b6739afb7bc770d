/**
 * The state document: every router's state in one file, `state.json`, so a flush costs one
 * write and two fsyncs (file and directory) however many routers there are. Pure: text in,
 * entries out, and back.
 *
 * Each router's entry is validated on its own: one bad entry does not cost the others their
 * totals, and the store can take that router from the previous generation instead.
 */
import { z } from 'zod';
import { encodeRouterState, issuePaths, newerVersion, type RouterState, routerStateSchema } from './schema.js';

/** The document format this build reads and writes. */
export const DOCUMENT_VERSION = 2;

/** Router names as the config allows them. */
export const ROUTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

const envelope = z.object({ version: z.literal(DOCUMENT_VERSION), routers: z.record(z.string().regex(ROUTER_NAME), z.unknown()) });

export type ParsedDocument =
  | { kind: 'ok'; routers: Map<string, RouterState>; bad: Map<string, string> }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'newer'; version: number };

export function parseDocument(text: string): ParsedDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's message quotes the file's text, which may hold a token: not passed on.
    return { kind: 'unreadable', reason: text.length === 0 ? 'empty' : 'not valid JSON' };
  }
  const newer = newerVersion(raw, DOCUMENT_VERSION);
  if (newer !== undefined) return { kind: 'newer', version: newer };
  const shape = envelope.safeParse(raw);
  if (!shape.success) return { kind: 'unreadable', reason: `invalid at ${issuePaths(shape.error)}` };
  const routers = new Map<string, RouterState>();
  const bad = new Map<string, string>();
  for (const [name, entry] of Object.entries(shape.data.routers)) {
    const parsed = routerStateSchema.safeParse(entry);
    if (parsed.success) routers.set(name, parsed.data);
    else bad.set(name, `invalid at ${issuePaths(parsed.error)}`);
  }
  return { kind: 'ok', routers, bad };
}

/** One router's entry as it will be written, or the reason it would not load again. */
export function encodeEntry(state: RouterState): { ok: true; json: string } | { ok: false; reason: string } {
  const encoded = encodeRouterState(state);
  const check = routerStateSchema.safeParse(encoded);
  if (!check.success) return { ok: false, reason: `invalid at ${issuePaths(check.error)}` };
  return { ok: true, json: JSON.stringify(encoded) };
}

/** The document text from encoded entries: one router per line, sorted, so it reads and diffs well. */
export function documentText(entries: ReadonlyMap<string, string>): string {
  const names = [...entries.keys()].sort();
  const lines = names.map((name) => `    ${JSON.stringify(name)}: ${entries.get(name)}`);
  return `{\n  "version": ${DOCUMENT_VERSION},\n  "routers": {\n${lines.join(',\n')}${lines.length > 0 ? '\n' : ''}  }\n}\n`;
}
