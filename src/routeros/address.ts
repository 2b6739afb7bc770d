/** Address helpers for RouterOS replies. Pure (`isIP` is a string check). */
import { isIP } from 'node:net';

/** `10.0.0.1/24` → `10.0.0.1`; `2001:db8::1/64` → `2001:db8::1`; undefined when not an address. */
export function addressWithoutPrefix(cidr: string): string | undefined {
  const slash = cidr.indexOf('/');
  const address = slash === -1 ? cidr : cidr.slice(0, slash);
  return isIP(address) === 0 ? undefined : address;
}

/**
 * True for IPv6 addresses a peer elsewhere could reach: not link-local (fe80::/10), not
 * unique-local (fc00::/7), not loopback, unspecified or multicast.
 */
export function isGlobalIpv6(address: string): boolean {
  if (isIP(address) !== 6) return false;
  const lower = address.toLowerCase();
  if (lower === '::1' || lower === '::') return false;
  const head = lower.startsWith('::') ? 0 : Number.parseInt(lower.split(':')[0] ?? '', 16);
  if (Number.isNaN(head)) return false;
  if ((head & 0xffc0) === 0xfe80) return false; // link-local
  if ((head & 0xfe00) === 0xfc00) return false; // unique local
  if ((head & 0xff00) === 0xff00) return false; // multicast
  // Embedded IPv4 forms (::ffff:a.b.c.d) start with zeros: not a global IPv6 address.
  return head !== 0;
}

/** `10.0.0.1%ether1` → `ether1`; undefined when there is no `%`. */
export function interfaceOfGateway(gateway: string): string | undefined {
  const at = gateway.lastIndexOf('%');
  if (at === -1 || at === gateway.length - 1) return undefined;
  return gateway.slice(at + 1);
}
