/**
 * Reply body → JSON value. Pure. RouterOS has been seen to put raw control characters
 * (e.g. ESC from a DHCP host name) inside JSON strings, which JSON.parse rejects; such a
 * body is repaired once by escaping them, the way a lenient reader would have read it.
 */

export type JsonParseResult = { ok: true; value: unknown; repaired: boolean } | { ok: false; reason: string };

export function parseRouterJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text), repaired: false };
  } catch (first) {
    const escaped = escapeControlCharsInStrings(text);
    if (escaped !== text) {
      try {
        return { ok: true, value: JSON.parse(escaped), repaired: true };
      } catch {
        // fall through: report the original failure, it describes what the router sent
      }
    }
    return { ok: false, reason: first instanceof Error ? first.message : String(first) };
  }
}

/**
 * Escapes characters below 0x20 that appear inside JSON string literals as `\u00XX`.
 * Whitespace between tokens (newlines of pretty-printed replies) is left alone.
 */
export function escapeControlCharsInStrings(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inString) {
      if (c === 0x22) inString = true;
      continue;
    }
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === 0x5c) escaped = true;
    else if (c === 0x22) inString = false;
    else if (c < 0x20) {
      out += `${text.slice(last, i)}\\u${c.toString(16).padStart(4, '0')}`;
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}
