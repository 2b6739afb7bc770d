/**
 * `${VAR}` and `${VAR:-fallback}` in configuration strings. Pure: the environment is passed in.
 *
 * Rules (documented in config.example.yaml):
 * - `${VAR}` is replaced by the variable's value; unset is an error naming the variable.
 *   Set but empty gives an empty string.
 * - `${VAR:-fallback}` uses the fallback when VAR is unset or empty (as in a POSIX shell).
 *   The fallback runs to the first `}` and is taken literally.
 * - `$${` is a literal `${`; any other `$` is literal.
 * - Replaced text is never scanned again, so a value holding `${…}` stays as it is.
 */

export interface Substitution {
  text: string;
  /** Referenced variables that are unset and have no fallback, in order, without repeats. */
  missing: string[];
  /** True when a `${` is not followed by `NAME}` or `NAME:-fallback}`. */
  malformed: boolean;
  /** True when the input is exactly one reference: then a typed value may be taken from it. */
  wholeReference: boolean;
  /** True when at least one reference was replaced. */
  substituted: boolean;
  /** The variables' values put into the text: never to be shown in a message. */
  values: string[];
}

const REFERENCE_BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?$/;

export function substituteEnv(input: string, env: Readonly<Record<string, string | undefined>>): Substitution {
  const missing: string[] = [];
  let malformed = false;
  let substituted = false;
  let references = 0;
  const values: string[] = [];
  let out = '';
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!input.startsWith('${', i)) {
      out += input[i];
      i += 1;
      continue;
    }
    const close = input.indexOf('}', i + 2);
    const match = close === -1 ? null : REFERENCE_BODY.exec(input.slice(i + 2, close));
    if (!match) {
      // Keep the text as written; the caller reports it without echoing it.
      malformed = true;
      out += input.slice(i);
      break;
    }
    const name = match[1]!;
    const fallback = match[2];
    const value = env[name];
    references += 1;
    substituted = true;
    if (fallback !== undefined && (value === undefined || value === '')) out += fallback;
    else if (value !== undefined) {
      out += value;
      if (value !== '') values.push(value);
    }
    else if (!missing.includes(name)) missing.push(name);
    i = close + 1;
  }
  const wholeReference = references === 1 && !malformed && /^\$\{[^}]*\}$/.test(input);
  return { text: out, missing, malformed, wholeReference, substituted, values };
}
