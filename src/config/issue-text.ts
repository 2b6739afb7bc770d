/**
 * Turns zod issues into short messages a user can act on. Messages name types and allowed
 * values, never the value the user wrote: that could be a password. Pure.
 */
import type { z } from 'zod';
import type { KeyPath } from './key-path.js';

export type ZodIssue = z.core.$ZodIssue;

/** Fields whose value is a secret: their messages are built here, never taken from zod as is. */
const SECRET_KEYS = new Set(['password', 'token', 'autoDiscoveryKey', 'secret', 'postgres']);

export function isSecretPath(path: KeyPath): boolean {
  const last = path[path.length - 1];
  return typeof last === 'string' && SECRET_KEYS.has(last);
}

/** What a value is, in words, without showing it. */
export function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  if (typeof v === 'boolean') return 'true/false';
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function expectedName(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

/** zod's own wording starts like this; schema-authored messages do not and are kept. */
function isGenericMessage(message: string): boolean {
  return /^(Invalid|Too small|Too big)\b/.test(message);
}

/** Message for one zod issue at a field holding `value`. */
export function describeIssue(issue: ZodIssue, value: unknown, path: KeyPath): string {
  const message = baseMessage(issue, value);
  if (!isSecretPath(path)) return message;
  // Belt and braces for secrets: a message that somehow contains the value is dropped.
  const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return shown !== '' && message.includes(shown) ? 'is not valid' : message;
}

function baseMessage(issue: ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return 'missing';
      const hint = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? '; put it in quotes' : '';
      return `must be ${expectedName(issue.expected)} (got ${kindOf(value)})${hint}`;
    }
    case 'invalid_union': {
      const options = issue.errors.map((branch) => branchExpectation(branch[0])).filter((x): x is string => x !== undefined);
      return options.length > 0 ? `must be ${[...new Set(options)].join(' or ')} (got ${kindOf(value)})` : 'is not valid';
    }
    case 'invalid_value':
      return isGenericMessage(issue.message) ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` : issue.message;
    case 'too_small':
      return isGenericMessage(issue.message) ? boundMessage('least', issue.origin, Number(issue.minimum), issue.inclusive) : issue.message;
    case 'too_big':
      return isGenericMessage(issue.message) ? boundMessage('most', issue.origin, Number(issue.maximum), issue.inclusive) : issue.message;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return isGenericMessage(issue.message) ? 'is not valid' : issue.message;
  }
}

function branchExpectation(first: ZodIssue | undefined): string | undefined {
  if (!first || first.path.length > 0) return undefined;
  if (first.code === 'invalid_type') return expectedName(first.expected);
  if (first.code === 'invalid_value') return first.values.map((v) => JSON.stringify(v)).join(' or ');
  return undefined;
}

function boundMessage(side: 'least' | 'most', origin: string, bound: number, inclusive: boolean | undefined): string {
  if (origin === 'string') {
    if (side === 'least' && bound === 1) return 'must not be empty';
    return `must be at ${side} ${bound} characters long`;
  }
  if (origin === 'array' || origin === 'set') return `must list at ${side} ${bound} item${bound === 1 ? '' : 's'}`;
  if (inclusive === false) return `must be ${side === 'least' ? 'above' : 'below'} ${bound}`;
  return `must be at ${side} ${bound}`;
}
