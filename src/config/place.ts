/**
 * Where in the file a problem belongs. Inside a router, a value may be the router's own or
 * inherited from `defaults:`; the message points at whichever line the value came from. Pure.
 */
import type { KeyPath } from './key-path.js';
import type { YamlSource } from './yaml-source.js';

export interface Place {
  line: number | undefined;
  /** The node the line belongs to (the router's own, one under `defaults:`, or an ancestor). */
  node: KeyPath;
  /** True when the node is under `defaults:`. */
  fromDefaults: boolean;
}

/** The node at `path`, else its nearest ancestor that exists in the file. */
export function placeOf(src: YamlSource, path: KeyPath): Place {
  for (let k = path.length; k >= 0; k--) {
    const node = path.slice(0, k);
    const line = src.lineOf(node);
    if (line !== undefined) return { line, node, fromDefaults: false };
  }
  return { line: undefined, node: path, fromDefaults: false };
}

/**
 * `rel` inside router `index`: the router's own node, else the `defaults:` node it inherited,
 * else the nearest ancestor (the router's own first at each level).
 */
export function placeInRouter(src: YamlSource, index: number, rel: KeyPath): Place {
  for (let k = rel.length; k >= 0; k--) {
    const part = rel.slice(0, k);
    const own = ['routers', index, ...part];
    const ownLine = src.lineOf(own);
    if (ownLine !== undefined) return { line: ownLine, node: own, fromDefaults: false };
    if (k === 0) break;
    const inherited = ['defaults', ...part];
    const inheritedLine = src.lineOf(inherited);
    if (inheritedLine !== undefined) return { line: inheritedLine, node: inherited, fromDefaults: true };
  }
  return placeOf(src, ['routers', index, ...rel]);
}
