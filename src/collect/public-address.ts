/**
 * Which addresses may be reported as a router's public address. Pure.
 *
 * Komari and Nezha place a node on the map from the address they are told. A private
 * (RFC 1918), carrier-grade NAT (RFC 6598, 100.64.0.0/10), link-local, loopback,
 * unspecified, multicast or reserved address says nothing about where the router is, so it
 * is never reported as public: no address is better than a wrong country.
 */
import { isIP } from 'node:net';
import { isGlobalIpv6 } from '../routeros/address.js';

/** IPv4 ranges that are never a public address: [first octets as a number, prefix length]. */
const NON_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // RFC 6598 carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // RFC 1918
  ['192.168.0.0', 16], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function inRange(address: number, [base, prefix]: readonly [string, number]): boolean {
  const size = 2 ** (32 - prefix);
  const start = ipv4ToNumber(base);
  return address >= start && address < start + size;
}

/** True when `address` (no prefix) is an IPv4 address a peer on the Internet could see. */
export function isPublicIpv4(address: string): boolean {
  if (isIP(address) !== 4) return false;
  const n = ipv4ToNumber(address);
  return !NON_PUBLIC_V4.some((range) => inRange(n, range));
}

/**
 * True when `address` is a global IPv6 address: not loopback, unspecified, link-local,
 * unique-local (the IPv6 private range), multicast, nor an IPv4-mapped or -compatible form.
 */
export function isPublicIpv6(address: string): boolean {
  return isGlobalIpv6(address);
}

/** `address` when it may be reported as public for its family, otherwise undefined. */
export function publicOrUndefined(address: string | undefined, family: 4 | 6): string | undefined {
  if (address === undefined) return undefined;
  return (family === 4 ? isPublicIpv4(address) : isPublicIpv6(address)) ? address : undefined;
}
