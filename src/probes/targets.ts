/**
 * Turns a Komari task `target` into what each probe needs, following the rules of
 * Komari's own agent: ICMP strips a `:port` suffix and `[v6]` brackets, TCP defaults to
 * port 80, HTTP gets `http://` when it has no scheme. Pure.
 */
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const DEFAULT_TCP_PORT = 80;
const HOST_CHARS = /^[A-Za-z0-9._-]+$/;

function validHost(host: string): boolean {
  return isIP(host) !== 0 || (HOST_CHARS.test(host) && !host.startsWith('-') && host.length <= 253);
}

/** Splits `host:port`, `[v6]:port`, `[v6]`, a bare IPv6 address or a bare host. */
function splitHostPort(target: string): { host: string; port: string | undefined } | undefined {
  if (target.startsWith('[')) {
    const close = target.indexOf(']');
    if (close < 0) return undefined;
    const host = target.slice(1, close);
    const rest = target.slice(close + 1);
    if (rest === '') return { host, port: undefined };
    if (!rest.startsWith(':')) return undefined;
    return { host, port: rest.slice(1) };
  }
  const colons = target.split(':').length - 1;
  // More than one colon without brackets can only be a bare IPv6 address.
  if (colons > 1) return { host: target, port: undefined };
  if (colons === 1) {
    const [host = '', port = ''] = target.split(':');
    return { host, port };
  }
  return { host: target, port: undefined };
}

/** The host to ping: a host name or an IP address, any port or brackets removed. */
export function icmpHost(target: string): Parsed<string> {
  const split = splitHostPort(target.trim());
  if (!split || split.host === '' || !validHost(split.host)) return { ok: false, reason: 'not a host name or IP address' };
  if (split.host.includes(':') && isIP(split.host) !== 6) return { ok: false, reason: 'not a valid IPv6 address' };
  // The port is dropped, but a target like `http://x` is not host:port.
  if (split.port !== undefined && !/^\d{1,5}$/.test(split.port)) return { ok: false, reason: 'not a host name or IP address' };
  return { ok: true, value: split.host };
}

/** `host:port` for a TCP connect; port 80 when none is given. */
export function tcpAddress(target: string): Parsed<HostPort> {
  const split = splitHostPort(target.trim());
  if (!split || split.host === '' || !validHost(split.host)) return { ok: false, reason: 'not host:port' };
  if (split.host.includes(':') && isIP(split.host) !== 6) return { ok: false, reason: 'not a valid IPv6 address' };
  if (split.port === undefined) return { ok: true, value: { host: split.host, port: DEFAULT_TCP_PORT } };
  if (!/^\d{1,5}$/.test(split.port)) return { ok: false, reason: 'port is not a number' };
  const port = Number(split.port);
  if (port < 1 || port > 65535) return { ok: false, reason: 'port is outside 1–65535' };
  return { ok: true, value: { host: split.host, port } };
}

/** An absolute http(s) URL; `http://` is prepended when the target has no scheme. */
export function httpUrl(target: string): Parsed<string> {
  const trimmed = target.trim();
  if (trimmed === '') return { ok: false, reason: 'empty URL' };
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `scheme ${url.protocol} is not http or https` };
  if (url.hostname === '') return { ok: false, reason: 'URL has no host' };
  return { ok: true, value: url.href };
}
