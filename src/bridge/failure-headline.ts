/**
 * The headline of the log line a failing router gets: what kind of failure it is, so a
 * refused login never reads as a network problem. The error's own message (the `err` field)
 * carries the detail and the fix. Pure.
 */
import type { ErrorCode } from '../errors.js';

const HEADLINES: Partial<Record<ErrorCode, string>> = {
  ROUTER_AUTH: 'router refused the login',
  ROUTER_POLICY: 'router refused a request: the user group lacks a policy',
  ROUTER_TLS: 'router certificate not accepted',
  ROUTER_UNSUPPORTED: 'router lacks a menu tikprobe needs',
  ROUTER_BAD_REQUEST: 'router rejected a request',
  ROUTER_MALFORMED: 'router reply not understood',
};

export function failureHeadline(code: ErrorCode | undefined, wasUp: boolean, retryable: boolean): string {
  const what = (code !== undefined ? HEADLINES[code] : undefined) ?? (wasUp ? 'router down' : 'router unreachable');
  const next = retryable ? 'retrying with backoff' : 'a configuration problem on the router or in tikprobe; retrying slowly';
  return `${what}: ${next}`;
}
