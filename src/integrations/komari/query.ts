/**
 * A request's query string, encoded byte for byte as `URLSearchParams` encodes it
 * (application/x-www-form-urlencoded: `*-._` and alphanumerics as they are, a space as `+`,
 * everything else percent-encoded as UTF-8) without building a URLSearchParams per request.
 * Pure.
 */

/** `encodeURIComponent` leaves these as they are; the form encoding escapes them. */
const FORM_EXTRA = /[!'()~]/g;
/** A surrogate without its pair: URLSearchParams sends U+FFFD for it (encodeURIComponent would throw). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What the form encoding leaves as it is: a value of only these (a token, a key) is its own encoding. */
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;

export function formEncode(value: string): string {
  if (FORM_SAFE.test(value)) return value;
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'))
    .replace(FORM_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** `?k=v&…` for the pairs given, or '' when there are none. */
export function formQuery(query: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key in query) out += `${out === '' ? '?' : '&'}${formEncode(key)}=${formEncode(query[key] as string)}`;
  return out;
}
