import { describe, expect, it } from 'vitest';
import { isIntegerLiteral, numberLiterals, parseRawJson, toPlain } from '@tikprobe/sim/json-literals.js';

function parsed(text: string) {
  const r = parseRawJson(text);
  if (!r.ok) throw new Error(`expected valid JSON: ${r.reason}`);
  return r.value;
}

describe('parseRawJson', () => {
  it('keeps each number literal exactly as written, with its path', () => {
    const root = parsed('{"a":12.0,"b":{"c":[1,1e3,-0.5E+2]},"d":12}');
    expect(numberLiterals(root)).toEqual([
      { path: 'a', raw: '12.0' },
      { path: 'b.c[0]', raw: '1' },
      { path: 'b.c[1]', raw: '1e3' },
      { path: 'b.c[2]', raw: '-0.5E+2' },
      { path: 'd', raw: '12' },
    ]);
  });

  it('tells integer literals from fractions and exponents, which JSON.parse cannot', () => {
    expect(JSON.parse('12.0')).toBe(JSON.parse('12'));
    expect(isIntegerLiteral('12')).toBe(true);
    expect(isIntegerLiteral('-7')).toBe(true);
    expect(isIntegerLiteral('12.0')).toBe(false);
    expect(isIntegerLiteral('1e3')).toBe(false);
    expect(isIntegerLiteral('1E3')).toBe(false);
  });

  it('keeps duplicate keys in order, and toPlain lets the last one win like JSON.parse', () => {
    const root = parsed('{"k":1,"K":2,"k":3}');
    expect(root.kind === 'object' && root.entries.map((e) => e.key)).toEqual(['k', 'K', 'k']);
    expect(toPlain(root)).toEqual(JSON.parse('{"k":1,"K":2,"k":3}'));
  });

  it('decodes strings and escapes the way JSON.parse does', () => {
    const text = '{"s":"a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00","t":true,"f":false,"n":null,"__proto__":1}';
    expect(toPlain(parsed(text))).toEqual(JSON.parse(text));
    expect(Object.keys(toPlain(parsed(text)) as object)).toContain('__proto__');
  });

  it.each([
    ['', 'empty input'],
    ['{', 'unterminated object'],
    ['{"a":1,}', 'trailing comma'],
    ['[1 2]', 'missing comma'],
    ['01', 'leading zero'],
    ['1.', 'dangling dot'],
    ['.5', 'leading dot'],
    ['1e', 'dangling exponent'],
    ['+1', 'plus sign'],
    ['NaN', 'NaN'],
    ["{'a':1}", 'single quotes'],
    ['"a\tb"', 'raw control character'],
    ['"\\x41"', 'bad escape'],
    ['"\\u12"', 'short unicode escape'],
    ['\ufeff{}', 'byte order mark'],
    ['{} {}', 'two values'],
    ['tru', 'truncated literal'],
  ])('refuses %j (%s) like JSON.parse', (text) => {
    expect(parseRawJson(text).ok).toBe(false);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('accepts the four JSON whitespace characters around values', () => {
    expect(toPlain(parsed(' \t\r\n{ "a" : [ 1 , 2 ] }\n'))).toEqual({ a: [1, 2] });
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(parseRawJson(deep).ok).toBe(false);
  });
});
