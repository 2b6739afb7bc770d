import { describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { parseInterfaces } from '../../src/routeros/schemas.js';

const one = (rx: string) => [{ '.id': '*1', name: 'ether1', 'rx-byte': rx, 'tx-byte': '0' }];

describe('interface counters are u64', () => {
  it('accepts 2^64-1 exactly', () => {
    expect(parseInterfaces(one('18446744073709551615'))[0]?.rxBytes).toBe(2n ** 64n - 1n);
  });

  it.each(['18446744073709551616', '99999999999999999999999', '-1', '1e3'])('refuses %s as malformed, never accounted', (rx) => {
    let err: unknown;
    try {
      parseInterfaces(one(rx));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RouterError);
    expect((err as RouterError).code).toBe('ROUTER_MALFORMED');
    expect((err as RouterError).message).toContain('64-bit counter');
  });
});
