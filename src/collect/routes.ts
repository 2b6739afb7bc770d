/**
 * The interfaces that carry the router's default routes (its WAN), for `traffic.interfaces:
 * auto`. Read from the active `0.0.0.0/0` and `::/0` routes of the main table: the interface
 * is the `%iface` part of `immediate-gw` (`10.0.0.1%ether1`), or the gateway itself when it
 * names an interface (`pppoe-out1`).
 */
import { isIP } from 'node:net';
import { errorCode } from '../errors.js';
import type { RouterRest } from '../routeros/rest.js';
import { interfaceOfGateway } from '../routeros/address.js';
import { parseRoutes, type RouteEntry } from '../routeros/schemas.js';
import type { CancelSignal } from '../time/cancel.js';

const PROPLIST = ['dst-address', 'gateway', 'immediate-gw', 'active', 'routing-table'];

/**
 * IPv4 default routes first, then IPv6; deduplicated, in reply order. Empty when there is no
 * active default route: the caller reports that and counts nothing rather than guess.
 * A router without the IPv6 package simply contributes no IPv6 routes.
 */
export async function resolveDefaultRouteInterfaces(rest: RouterRest, signal: CancelSignal): Promise<string[]> {
  const v4 = await rest.get('ip/route', {
    proplist: PROPLIST,
    filter: { 'dst-address': '0.0.0.0/0', active: 'true' },
    signal,
  });
  let v6: unknown = [];
  try {
    v6 = await rest.get('ipv6/route', { proplist: PROPLIST, filter: { 'dst-address': '::/0', active: 'true' }, signal });
  } catch (err) {
    if (errorCode(err) !== 'ROUTER_UNSUPPORTED') throw err;
  }
  const found = new Set<string>();
  for (const route of [...parseRoutes(v4, 'ip/route'), ...parseRoutes(v6, 'ipv6/route')]) {
    for (const name of routeInterfaces(route)) found.add(name);
  }
  return [...found];
}

/** The interfaces of one route; none when it is inactive or not in the main table. */
export function routeInterfaces(route: RouteEntry): string[] {
  // Policy-routing tables may have their own defaults; the router's own WAN is in `main`.
  if (!route.active || (route.routingTable !== undefined && route.routingTable !== 'main')) return [];
  const out: string[] = [];
  // ECMP routes list several next hops, comma-separated.
  for (const hop of (route.immediateGw ?? '').split(',')) {
    const name = interfaceOfGateway(hop.trim());
    if (name !== undefined) out.push(name);
  }
  if (out.length > 0) return out;
  for (const gw of (route.gateway ?? '').split(',')) {
    const hop = gw.trim();
    if (hop === '') continue;
    const name = interfaceOfGateway(hop) ?? (isIP(hop) === 0 ? hop : undefined);
    if (name !== undefined) out.push(name);
  }
  return out;
}
