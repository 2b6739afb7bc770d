#!/usr/bin/env node
/**
 * The import graph of src/, checked against the layer order: every import points to the
 * same layer or a lower one, no integration imports another, and there is no cycle.
 * Prints one line per violation and exits 1 when there is any.
 *
 *   node scripts/check-imports.mjs [--graph]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lowest first. A file's layer is its first path segment under src/ (a root file: its name). */
export const LAYERS = [
  ['errors', 'version', 'model', 'telemetry', 'log', 'lazy-logger', 'fleet-lines', 'once-log', 'router-view', 'status-section', 'metric-family', 'heap-growth', 'hash', 'lazy-module', 'v8-flag', 'wasm-tier', 'with-key'],
  ['time'],
  ['http'],
  ['config'],
  ['routeros'],
  ['accounting'],
  ['state'],
  ['probes'],
  ['collect'],
  ['integrations'],
  ['bridge'],
  ['cluster'],
  ['workers'],
  ['status', 'systemd'],
  ['main', 'daemon', 'worker-thread'],
  ['commands'],
  ['cli'],
];

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function layerOf(rel) {
  const first = rel.split('/')[0].replace(/\.ts$/, '');
  const rank = LAYERS.findIndex((names) => names.includes(first));
  return { name: first, rank };
}

/** The integration a file belongs to (integrations/<name>/…), or undefined. */
function integrationOf(rel) {
  const parts = rel.split('/');
  return parts[0] === 'integrations' && parts.length > 2 ? parts[1] : undefined;
}

export function importGraph(srcDir) {
  const graph = new Map();
  for (const file of walk(srcDir)) {
    const rel = relative(srcDir, file);
    const text = readFileSync(file, 'utf8');
    const targets = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const target = relative(srcDir, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
      targets.push(target);
    }
    graph.set(rel, targets);
  }
  return graph;
}

export function violations(graph) {
  const out = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    if (a.rank < 0) out.push(`${from}: not in any layer (add its folder to LAYERS in scripts/check-imports.mjs)`);
    for (const to of targets) {
      if (to.startsWith('..')) {
        out.push(`${from} -> ${to}: imports from outside src/`);
        continue;
      }
      const b = layerOf(to);
      if (b.rank > a.rank) out.push(`${from} -> ${to}: upward (${a.name} is below ${b.name})`);
      const ia = integrationOf(from);
      const ib = integrationOf(to);
      if (ia !== undefined && ib !== undefined && ia !== ib) out.push(`${from} -> ${to}: one integration imports another`);
    }
  }
  for (const cycle of cycles(graph)) out.push(`cycle: ${cycle.join(' -> ')}`);
  return out;
}

/** Strongly connected components of more than one file (Tarjan), each as a list of files. */
export function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const graph = importGraph(src);
  if (process.argv.includes('--graph')) {
    for (const [from, targets] of graph) for (const to of targets) console.log(`${from} -> ${to}`);
  }
  const found = violations(graph);
  for (const line of found) console.log(line);
  console.log(found.length === 0 ? `import graph: ${graph.size} files, no upward import, no cycle` : `import graph: ${found.length} violation(s)`);
  process.exitCode = found.length === 0 ? 0 : 1;
}
