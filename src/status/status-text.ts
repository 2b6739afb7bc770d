/**
 * The /status document as text, made router by router: exactly the bytes JSON.stringify(…,
 * null, 2) makes of the whole document (`version`, `now`, `startedAt`, `healthy`, `routers` by
 * name, then each section's block) and a newline, but as a sequence of pieces, so that a
 * fleet's document of tens of megabytes is written in slices (paced-reply.ts) instead of being
 * built whole while every poll waits. Pure.
 */
import { routerStatus, type StatusInput } from './status-view.js';

/** Each nested level of the document is indented by two more spaces, as JSON.stringify(…, null, 2) does. */
function nested(text: string, pad: string): string {
  return text.replaceAll('\n', `\n${pad}`);
}

/** `blocks`: each section's name and value, in order (a value of undefined is left out, as a spread object's would be). */
export function* statusText(input: StatusInput, blocks: Iterable<readonly [string, unknown]>): Generator<string> {
  const head = JSON.stringify(
    {
      version: input.version,
      now: new Date(input.now).toISOString(),
      startedAt: new Date(input.startedAt).toISOString(),
      healthy: input.healthy,
    },
    null,
    2,
  );
  // Without its closing "\n}": the routers and the blocks follow.
  yield head.slice(0, -2);
  yield ',\n  "routers": [';
  let first = true;
  for (const view of input.views) {
    const status = routerStatus(view, input.sinks(view.name), input.links?.(view.name));
    yield `${first ? '\n' : ',\n'}    ${nested(JSON.stringify(status, null, 2), '    ')}`;
    first = false;
  }
  yield first ? ']' : '\n  ]';
  for (const [name, value] of blocks) {
    const text = value === undefined ? undefined : (JSON.stringify(value, null, 2) as string | undefined);
    if (text !== undefined) yield `,\n  ${JSON.stringify(name)}: ${nested(text, '  ')}`;
  }
  yield '\n}\n';
}
