/**
 * Every token comparison hashes both sides before timingSafeEqual, so the length of a guess
 * never decides how long the check takes. The spy sees the buffers each check compares.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const compared: [number, number][] = [];
vi.mock('node:crypto', async (original) => {
  const real = await original<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { tokenCheck } = await import('../../../src/integrations/nezha/v0-api.js');
const { bearerCheck } = await import('../../../src/status/auth.js');

const TOKEN = 'v0-token-0123456789abcdef';
const GUESSES = [undefined, '', 'x', TOKEN.slice(0, -1), `${TOKEN}x`, 'y'.repeat(4096), `Bearer ${TOKEN.slice(1)}`];

afterEach(() => {
  compared.length = 0;
});

describe('token comparisons', () => {
  it('the v0 API accepts the raw token and Bearer <token>, and nothing shorter, longer or missing', () => {
    const check = tokenCheck(TOKEN);
    expect(check(TOKEN)).toBe(true);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    for (const g of GUESSES) expect(check(g)).toBe(false);
    expect(tokenCheck(undefined)(undefined)).toBe(true);
  });

  it('the v0 API compares equal-length digests for every guess, whatever its length (the length does not leak)', () => {
    const check = tokenCheck(TOKEN);
    for (const g of [TOKEN, ...GUESSES]) check(g);
    expect(compared).toHaveLength(GUESSES.length + 1);
    for (const [a, b] of compared) expect([a, b]).toEqual([32, 32]);
  });

  it('the status Bearer check does the same', () => {
    const check = bearerCheck(TOKEN);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    for (const g of GUESSES) expect(check(g === undefined ? g : `Bearer ${g}`)).toBe(false);
    expect(compared.length).toBe(GUESSES.length + 1);
    for (const [a, b] of compared) expect([a, b]).toEqual([32, 32]);
  });
});
