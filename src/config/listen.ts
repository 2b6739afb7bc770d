/**
 * `status.listen` ("host:port", IPv6 as "[::1]:9464"), parsed. Pure: the config schema
 * validates with it and the server binds with it, so both read the text the same way.
 */
import { isIP } from 'node:net';

export interface ListenAddress {
  /** An IP literal (IPv6 without brackets) or a host name such as "localhost". */
  host: string;
  port: number;
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/;

/**
 * The address, or undefined when the text is not host:port with a port of 1–65535
 * (`allowPortZero`: also 0, "any free port", which tests use and a config never should).
 */
export function parseListen(text: string, options: { allowPortZero?: boolean } = {}): ListenAddress | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535 || (port === 0 && !options.allowPortZero)) return undefined;
  if (m[1] !== undefined) return isIP(m[1]) === 6 ? { host: m[1], port } : undefined;
  const host = m[2]!;
  if (isIP(host) === 4 || HOST_NAME.test(host)) return { host, port };
  return undefined;
}

/** Whether only this machine can reach the address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** "host:port" as a URL authority, with brackets around an IPv6 literal. */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
