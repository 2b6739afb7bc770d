import { describe, expect, it } from 'vitest';
import { failureHeadline } from '../../src/bridge/failure-headline.js';

describe('failureHeadline', () => {
  it('names a refused login, a missing policy and a certificate as what they are, never as unreachable', () => {
    expect(failureHeadline('ROUTER_AUTH', false, false)).toBe('router refused the login: a configuration problem on the router or in tikprobe; retrying slowly');
    expect(failureHeadline('ROUTER_AUTH', true, false)).toMatch(/^router refused the login:/);
    expect(failureHeadline('ROUTER_POLICY', false, false)).toMatch(/^router refused a request: the user group lacks a policy:/);
    expect(failureHeadline('ROUTER_TLS', false, false)).toMatch(/^router certificate not accepted:/);
    for (const code of ['ROUTER_AUTH', 'ROUTER_POLICY', 'ROUTER_TLS', 'ROUTER_BAD_REQUEST', 'ROUTER_UNSUPPORTED'] as const) {
      expect(failureHeadline(code, false, false)).not.toContain('unreachable');
    }
  });

  it('calls network failures down or unreachable depending on whether the router was up', () => {
    expect(failureHeadline('ROUTER_TIMEOUT', true, true)).toBe('router down: retrying with backoff');
    expect(failureHeadline('ROUTER_TRANSIENT', false, true)).toBe('router unreachable: retrying with backoff');
    expect(failureHeadline(undefined, false, true)).toBe('router unreachable: retrying with backoff');
  });
});
