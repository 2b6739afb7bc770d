/**
 * Record selection as RouterOS does it: `.proplist`, query-string filters (exact match,
 * AND-combined) and the API query stack of `POST …/print` `.query`. Pure.
 */

export type RosRecord = Readonly<Record<string, string>>;
export type RecordTest = (record: RosRecord) => boolean;

/** `.proplist` as a comma string (query string, POST body) or an array (POST body). */
export function parseProplist(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Only the listed properties, in the record's own order; unknown names are ignored. */
export function pickProps(record: RosRecord, proplist: readonly string[] | undefined): RosRecord {
  if (proplist === undefined) return record;
  const out: Record<string, string> = {};
  for (const key of Object.keys(record)) {
    if (proplist.includes(key)) out[key] = record[key] as string;
  }
  return out;
}

const TRUE_WORDS = new Set(['true', 'yes']);
const FALSE_WORDS = new Set(['false', 'no']);

/** Equality as the router applies it to a filter: booleans match as true|yes and false|no. */
function sameValue(actual: string | undefined, wanted: string): boolean {
  if (actual === undefined) return false;
  if (actual === wanted) return true;
  if (TRUE_WORDS.has(actual) && TRUE_WORDS.has(wanted)) return true;
  return FALSE_WORDS.has(actual) && FALSE_WORDS.has(wanted);
}

/** Query-string filters: every key must equal its value. */
export function filterTest(filters: Readonly<Record<string, string>>): RecordTest {
  const entries = Object.entries(filters);
  return (record) => entries.every(([k, v]) => sameValue(record[k], v));
}

export class QueryError extends Error {}

function compare(actual: string | undefined, wanted: string, sign: 1 | -1): boolean {
  if (actual === undefined) return false;
  const a = Number(actual);
  const b = Number(wanted);
  if (Number.isFinite(a) && Number.isFinite(b)) return sign * (a - b) > 0;
  return sign * actual.localeCompare(wanted) > 0;
}

/**
 * Compiles `.query` words into a test. Words push a result (`name=v`, `<name=v`, `>name=v`,
 * `-name` for absent, `name` for present); `#` words combine the stack (`|` or, `&` and,
 * `!` not, `.` duplicate, a digit copies that stack slot). What is left is AND-combined.
 */
export function compileQuery(words: unknown): RecordTest {
  if (words === undefined) return () => true;
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) throw new QueryError('.query must be an array of strings');
  const ops = (words as string[]).map(compileWord);
  return (record) => {
    const stack: boolean[] = [];
    for (const op of ops) op(record, stack);
    return stack.every(Boolean);
  };
}

type StackOp = (record: RosRecord, stack: boolean[]) => void;

function compileWord(word: string): StackOp {
  if (word.startsWith('#')) return compileCombinator(word.slice(1));
  const push = (test: RecordTest): StackOp => (record, stack) => {
    stack.push(test(record));
  };
  if (word.startsWith('-')) {
    const name = word.slice(1);
    return push((r) => r[name] === undefined);
  }
  const first = word[0];
  if (first === '<' || first === '>') {
    const eq = word.indexOf('=');
    if (eq < 0) throw new QueryError(`invalid query word ${word}`);
    const name = word.slice(1, eq);
    const value = word.slice(eq + 1);
    const sign = first === '>' ? 1 : -1;
    return push((r) => compare(r[name], value, sign));
  }
  const eq = word.indexOf('=');
  if (eq < 0) return push((r) => r[word] !== undefined);
  const name = word.slice(0, eq);
  const value = word.slice(eq + 1);
  return push((r) => sameValue(r[name], value));
}

function compileCombinator(chars: string): StackOp {
  if (chars === '') throw new QueryError('empty # query word');
  return (_record, stack) => {
    for (const c of chars) {
      if (c === '!') {
        const top = stack.pop();
        if (top === undefined) throw new QueryError('# query word on an empty stack');
        stack.push(!top);
      } else if (c === '|' || c === '&') {
        const b = stack.pop();
        const a = stack.pop();
        if (a === undefined || b === undefined) throw new QueryError('# query word needs two values');
        stack.push(c === '|' ? a || b : a && b);
      } else if (c === '.') {
        const top = stack.at(-1);
        if (top === undefined) throw new QueryError('# query word on an empty stack');
        stack.push(top);
      } else if (c >= '0' && c <= '9') {
        const v = stack[Number(c)];
        if (v === undefined) throw new QueryError(`# query word: no stack slot ${c}`);
        stack.push(v);
      } else {
        throw new QueryError(`invalid query operator ${c}`);
      }
    }
  };
}

/**
 * A `.query` that is exactly one `name=value` word, or none: lets big tables answer
 * `count-only` without generating every entry.
 */
export function singleEquality(words: unknown): { name: string; value: string } | 'all' | undefined {
  if (words === undefined || (Array.isArray(words) && words.length === 0)) return 'all';
  if (!Array.isArray(words) || words.length !== 1 || typeof words[0] !== 'string') return undefined;
  const w = words[0];
  const eq = w.indexOf('=');
  if (eq <= 0 || w.startsWith('<') || w.startsWith('>') || w.startsWith('-') || w.startsWith('#')) return undefined;
  return { name: w.slice(0, eq), value: w.slice(eq + 1) };
}
