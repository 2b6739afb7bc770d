/**
 * What is wrong with a router `url`, in words a user can act on, or undefined when it is a
 * usable `http(s)://host[:port]`. Never throws (an unparseable text is an answer, not an
 * exception) and never echoes the text: it may have come from an environment variable. Pure.
 */
export function routerUrlProblem(text: string): string | undefined {
  if (text.trim() === '') return 'must not be empty; write http(s)://host[:port]';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text))
    return 'must start with http:// or https:// (e.g. https://host or http://host:8080)';
  if (!URL.canParse(text)) return 'is not a valid URL: write http(s)://host[:port] with a host and a port of 1–65535';
  const u = new URL(text);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (u.hostname === '') return 'has no host: write http(s)://host[:port]';
  if (u.username !== '' || u.password !== '') return 'must not hold credentials: use username and password/passwordFile';
  if ((u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '')
    return 'must be http(s)://host[:port] with no path, query or fragment (/rest is appended)';
  return undefined;
}
