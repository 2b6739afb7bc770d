import { seededRng } from '@tikprobe/sim/prng.js';
import { describe, expect, it } from 'vitest';
import { formEncode, formQuery } from '../../../src/integrations/komari/query.js';

/** Characters a token or a name could hold: ASCII (every punctuation mark), Latin-1, CJK, an astral emoji, halves of a surrogate pair alone. */
const ALPHABET = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), 'é', 'ß', 'Ω', '中', '文', '😀', '\n', '\t', '\uD800', '\uDC00'];

function randomString(rng: () => number): string {
  const length = Math.floor(rng() * 24);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(rng() * ALPHABET.length)];
  return out;
}

describe('Komari query encoding', () => {
  it('encodes every string exactly as URLSearchParams does (generated inputs, 4 seeds)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const rng = seededRng(seed);
      for (let i = 0; i < 2000; i++) {
        const value = randomString(rng);
        expect(formEncode(value)).toBe(new URLSearchParams({ v: value }).toString().slice(2));
      }
    }
  });

  it('leaves a value of only unreserved characters as it is, and one more character makes it encoded (generated tokens)', () => {
    const SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._';
    const rng = seededRng(5);
    for (let i = 0; i < 2000; i++) {
      let token = '';
      const length = 1 + Math.floor(rng() * 40);
      for (let j = 0; j < length; j++) token += SAFE[Math.floor(rng() * SAFE.length)];
      expect(formEncode(token)).toBe(token);
      expect(new URLSearchParams({ v: token }).toString().slice(2)).toBe(token);
      const extra = ALPHABET[Math.floor(rng() * ALPHABET.length)] as string;
      const mixed = token + extra;
      expect(formEncode(mixed)).toBe(new URLSearchParams({ v: mixed }).toString().slice(2));
    }
  });

  it('builds the query string of several pairs as URLSearchParams does, and nothing for none', () => {
    const query = { token: 'a b+c/d?e&f=g~h!', other: "x'(y)*z" };
    expect(formQuery(query)).toBe(`?${new URLSearchParams(query).toString()}`);
    expect(formQuery({ token: 'dGlrcHJvYmU' })).toBe('?token=dGlrcHJvYmU');
    expect(formQuery({})).toBe('');
  });
});
