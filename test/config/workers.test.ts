import { describe, expect, test } from 'vitest';
import { issuesOf, lines, load, minimal } from './helpers.js';

const withWorkers = (value: string) => load(minimal('', `workers: ${value}\n`));
const refusal = async (value: string) => lines(await issuesOf(withWorkers(value)));

describe('workers:', () => {
  test('takes "auto" and every whole number from 1 to 16; absent is 1', async () => {
    expect((await withWorkers('auto')).workers).toBe('auto');
    expect((await withWorkers('1')).workers).toBe(1);
    expect((await withWorkers('16')).workers).toBe(16);
    expect((await load(minimal())).workers).toBe(1);
  });

  test('0 and 17 are refused at the key, with the bound crossed and the whole range', async () => {
    expect(await refusal('0')).toEqual(['4 workers: must be at least 1 (a whole number 1–16, or "auto")']);
    expect(await refusal('-3')).toEqual(['4 workers: must be at least 1 (a whole number 1–16, or "auto")']);
    expect(await refusal('17')).toEqual(['4 workers: must be at most 16 (a whole number 1–16, or "auto")']);
  });

  test('a fraction and text other than "auto" are refused at the key, naming what it takes', async () => {
    // These read the union's branches (config/issue-text.ts), so they name the kinds, not the range.
    expect(await refusal('2.5')).toEqual(['4 workers: must be a whole number or "auto" (got a number)']);
    expect(await refusal('many')).toEqual(['4 workers: must be a number or "auto" (got text)']);
    expect(await refusal('"8"')).toEqual(['4 workers: must be a number or "auto" (got text)']);
    expect(await refusal('Auto')).toEqual(['4 workers: must be a number or "auto" (got text)']);
  });
});
