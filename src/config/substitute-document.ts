/**
 * Applies `${VAR}` substitution to every string value of the parsed document, in place, so
 * positions stay attached. A value that is exactly one `${VAR}` and sits where the schema takes
 * only a number or true/false gets the typed value (`concurrency: ${N}` with N=32 → 32);
 * everywhere else the result stays text, so a password of digits is still a string.
 * Returns the variables' values it used: no message may show one, whatever the key.
 */
import { substituteEnv } from './env-subst.js';
import type { IssueList } from './issue-list.js';
import { formatKeyPath } from './key-path.js';
import { type ScalarKind, schemaAt, typedScalarKinds } from './schema-walk.js';
import { forEachValueScalar, type YamlSource } from './yaml-source.js';

export function substituteDocument(
  src: YamlSource,
  env: Readonly<Record<string, string | undefined>>,
  jsonSchema: Record<string, unknown>,
  issues: IssueList,
): string[] {
  const used: string[] = [];
  forEachValueScalar(src.doc, (scalar, path) => {
    if (typeof scalar.value !== 'string') return;
    const result = substituteEnv(scalar.value, env);
    const node = formatKeyPath(path);
    const line = src.lineOf(path);
    used.push(...result.values);
    if (result.values.length > 0) issues.hide(node, result.text);
    for (const name of result.missing)
      issues.add({ path: node, line, message: `environment variable ${name} is not set (or write \${${name}:-fallback})` });
    if (result.malformed)
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the literal syntax
      issues.add({ path: node, line, message: '"${" must be followed by a variable name and "}" (write "$${" for a literal "${")' });
    if (result.missing.length > 0 || result.malformed) {
      // Whatever else this value would trip is a consequence; report the cause only.
      issues.settle(node);
      return;
    }
    scalar.value = result.wholeReference ? typedValue(result.text, typedScalarKinds(schemaAt(jsonSchema, path))) : result.text;
  });
  return used;
}

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function typedValue(text: string, kinds: ScalarKind[]): string | number | boolean {
  const trimmed = text.trim();
  if (kinds.includes('boolean') && /^(?:true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if (kinds.includes('number') && NUMBER.test(trimmed)) return Number(trimmed);
  return text;
}
