/** Reads a real RouterOS reply from test/fixtures/routeros (copied verbatim from the samples). */
import { readFileSync } from 'node:fs';

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/routeros/${name}`, import.meta.url), 'utf8');
}

export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}
