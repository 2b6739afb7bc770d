import { describe, expect, it } from 'vitest';
import { isPublicIpv4, isPublicIpv6 } from '../../src/collect/public-address.js';

describe('public addresses', () => {
  it('IPv4: RFC 1918, CGNAT, link-local, loopback and reserved ranges are not public, their edges are', () => {
    for (const a of ['10.0.0.0', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.0', '100.127.255.255', '169.254.0.1', '127.0.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255']) {
      expect(isPublicIpv4(a), a).toBe(false);
    }
    for (const a of ['9.255.255.255', '11.0.0.0', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '8.8.8.8', '203.0.113.7']) {
      expect(isPublicIpv4(a), a).toBe(true);
    }
    expect(isPublicIpv4('2001:db8::1')).toBe(false);
    expect(isPublicIpv4('not an address')).toBe(false);
  });

  it('IPv6: loopback, unspecified, link-local, unique-local, multicast and IPv4-mapped are not public', () => {
    for (const a of ['::1', '::', 'fe80::1', 'febf::1', 'fc00::1', 'fdff::1', 'ff02::1', '::ffff:8.8.8.8']) {
      expect(isPublicIpv6(a), a).toBe(false);
    }
    for (const a of ['2001:db8::1', '2a00:1450::1']) expect(isPublicIpv6(a), a).toBe(true);
  });
});
