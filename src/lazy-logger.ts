/**
 * A child logger that exists only once it is needed. Every router holds three loggers (its
 * own, its Komari sink's, its ping scheduler's); a pino child is an object of its own with a
 * hidden class of its own (a child is the prototype of its children) and its bindings as a
 * string, ≈ 0.3 KB each — about 1 KB per router that a healthy fleet logging at `warn` never
 * uses. This one holds its parent and bindings, answers a call at a level the parent has off
 * with a no-op, and creates the real child on the first line it writes (or the first other use).
 * The level follows the parent's, as a pino child's does.
 */
import type { Bindings, Logger } from 'pino';

interface Holder {
  parent: Logger;
  /** The parent's holder when the parent is lazy too (its level is its nearest real ancestor's). */
  up: Holder | undefined;
  bindings: Bindings;
  real: Logger | undefined;
}

const holders = new WeakMap<object, Holder>();

/** The nearest logger that exists: its level is this one's (a pino child's level is its parent's). */
function levelSource(h: Holder): Logger {
  let at: Holder = h;
  while (at.real === undefined && at.up !== undefined) at = at.up;
  return at.real ?? at.parent;
}

const noop = (): void => undefined;

/** What may be read without creating the child: the level and its check, the parent's. */
function fromParent(h: Holder, prop: string): unknown {
  const source = levelSource(h);
  // A level method (pino's own table of names, custom levels included) that is off: a no-op.
  if (Object.hasOwn(source.levels.values, prop)) return source.isLevelEnabled(prop) ? undefined : noop;
  if (prop === 'level') return source.level;
  if (prop === 'isLevelEnabled') return (level: string) => levelSource(h).isLevelEnabled(level);
  return undefined;
}

function real(h: Holder): Logger {
  h.real ??= h.parent.child(h.bindings);
  return h.real;
}

const handler: ProxyHandler<Holder> = {
  get(h, prop) {
    if (h.real === undefined && typeof prop === 'string') {
      const answer = fromParent(h, prop);
      if (answer !== undefined) return answer;
    }
    const target = real(h);
    const value: unknown = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
  set(h, prop, value) {
    return Reflect.set(real(h), prop, value);
  },
  has(h, prop) {
    return Reflect.has(real(h), prop);
  },
};

/** `parent.child(bindings)`, created on first use (see above). */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  const holder: Holder = { parent, up: holders.get(parent), bindings, real: undefined };
  const logger = new Proxy<Holder>(holder, handler) as unknown as Logger;
  holders.set(logger, holder);
  return logger;
}
