/**
 * A strict JSON reader (RFC 8259) that keeps every number's literal text.
 *
 * Why: Komari decodes reports with Go `encoding/json`, which refuses `12.0`, `12.5` and
 * `1e3` for an integer field. `JSON.parse` turns all three into plain numbers, so a checker
 * built on it could not tell a correct integer from a rejected one. This reader returns a
 * tree in which each number is its source text, with duplicate keys kept in order (Go
 * decodes every occurrence; the last one wins). Pure: no I/O.
 */

export type RawJson =
  | { kind: 'object'; entries: RawEntry[] }
  | { kind: 'array'; items: RawJson[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export interface RawEntry {
  key: string;
  value: RawJson;
}

export type RawParse = { ok: true; value: RawJson } | { ok: false; reason: string; offset: number };

/** One number literal and where it sits, e.g. `{ path: 'network.totalUp', raw: '12.0' }`. */
export interface NumberLiteral {
  path: string;
  raw: string;
}

// Go's decoder stops at 10 000 levels; far less is plenty and keeps the recursion safe.
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses one JSON text; anything `JSON.parse` would refuse is refused, with an offset. */
export function parseRawJson(text: string): RawParse {
  const reader = new Reader(text);
  try {
    reader.skipWhitespace();
    const value = reader.value(0);
    reader.skipWhitespace();
    if (reader.pos !== text.length) throw new JsonSyntaxError('unexpected text after the JSON value', reader.pos);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, reason: err.message, offset: err.offset };
    throw err;
  }
}

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      // Only the four JSON whitespace characters: a BOM or NBSP is an error, as in Go.
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  value(depth: number): RawJson {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('nesting too deep', this.pos);
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string() };
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (this.text.startsWith('true', this.pos)) return this.word('true', { kind: 'boolean', value: true });
    if (this.text.startsWith('false', this.pos)) return this.word('false', { kind: 'boolean', value: false });
    if (this.text.startsWith('null', this.pos)) return this.word('null', { kind: 'null' });
    throw new JsonSyntaxError(c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`, this.pos);
  }

  private word(word: string, value: RawJson): RawJson {
    this.pos += word.length;
    return value;
  }

  private object(depth: number): RawJson {
    this.pos++;
    const entries: RawEntry[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError('expected a string key', this.pos);
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') throw new JsonSyntaxError('expected ":" after a key', this.pos);
      this.pos++;
      this.skipWhitespace();
      entries.push({ key, value: this.value(depth + 1) });
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return { kind: 'object', entries };
      if (c !== ',') throw new JsonSyntaxError('expected "," or "}" in an object', this.pos - 1);
    }
  }

  private array(depth: number): RawJson {
    this.pos++;
    const items: RawJson[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return { kind: 'array', items };
      if (c !== ',') throw new JsonSyntaxError('expected "," or "]" in an array', this.pos - 1);
    }
  }

  private number(): RawJson {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) throw new JsonSyntaxError('malformed number', this.pos);
    this.pos += m[0].length;
    // `01`, `1.`, `1e` leave a digit, dot or letter behind: the caller reports it as trailing text.
    return { kind: 'number', raw: m[0] };
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw new JsonSyntaxError('unterminated string', start);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += this.escape();
        continue;
      }
      if (c.charCodeAt(0) < 0x20) throw new JsonSyntaxError('control character in a string', this.pos);
      out += c;
      this.pos++;
    }
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('bad \\u escape', this.pos - 2);
        this.pos += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      default:
        throw new JsonSyntaxError('bad escape in a string', this.pos - 2);
    }
  }
}

/** True when the literal has no fraction and no exponent: the only form Go accepts for an integer. */
export function isIntegerLiteral(raw: string): boolean {
  return !/[.eE]/.test(raw);
}

/** Every number literal with its path (`a.b[2].c`), in document order. */
export function numberLiterals(root: RawJson): NumberLiteral[] {
  const out: NumberLiteral[] = [];
  const walk = (node: RawJson, path: string) => {
    if (node.kind === 'number') out.push({ path, raw: node.raw });
    else if (node.kind === 'object') for (const e of node.entries) walk(e.value, path === '' ? e.key : `${path}.${e.key}`);
    else if (node.kind === 'array') {
      node.items.forEach((item, i) => {
        walk(item, `${path}[${i}]`);
      });
    }
  };
  walk(root, '');
  return out;
}

/** The plain JavaScript value, as `JSON.parse` would give it (the last duplicate key wins). */
export function toPlain(node: RawJson): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) {
        // defineProperty: a "__proto__" key stays data, as with JSON.parse.
        Object.defineProperty(out, e.key, { value: toPlain(e.value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return node.items.map(toPlain);
    case 'string':
    case 'boolean':
      return node.value;
    case 'number':
      return Number(node.raw);
    case 'null':
      return null;
  }
}
