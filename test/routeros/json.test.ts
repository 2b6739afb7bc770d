import { describe, expect, it } from 'vitest';
import { escapeControlCharsInStrings, parseRouterJson } from '../../src/routeros/json.js';

describe('parseRouterJson', () => {
  it('parses valid JSON without repairing it', () => {
    expect(parseRouterJson('{"name":"MikroTik"}')).toEqual({ ok: true, value: { name: 'MikroTik' }, repaired: false });
  });

  it('recovers raw control characters inside strings (ESC from a DHCP host name)', () => {
    const body = '[{"host-name":"Mac\u001b[0mmini","tab":"a\tb","nl":"x\ny"}]';
    expect(() => JSON.parse(body)).toThrow();
    const result = parseRouterJson(body);
    expect(result).toEqual({
      ok: true,
      value: [{ 'host-name': 'Mac\u001b[0mmini', tab: 'a\tb', nl: 'x\ny' }],
      repaired: true,
    });
  });

  it('keeps whitespace between tokens of pretty-printed replies', () => {
    const body = '{\n\t"name": "a\u0001b"\n}';
    expect(parseRouterJson(body)).toEqual({ ok: true, value: { name: 'a\u0001b' }, repaired: true });
  });

  it('respects escaped quotes when tracking strings', () => {
    expect(escapeControlCharsInStrings('{"a":"x\\"\u0002"}')).toBe('{"a":"x\\"\\u0002"}');
  });

  it('fails on bodies that stay broken after the repair', () => {
    const result = parseRouterJson('{"name":"MikroTik",');
    expect(result.ok).toBe(false);
    expect(parseRouterJson('<html>Forbidden</html>').ok).toBe(false);
    expect(parseRouterJson('').ok).toBe(false);
  });
});
