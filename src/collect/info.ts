/**
 * Static facts about a router (identity, model, version, public addresses), refreshed at the
 * basic-info cadence. Identity and resource are required; routerboard, cloud and the IPv6
 * package are optional on real routers (CHR, no cloud, ipv6 disabled), so their failures
 * degrade to undefined instead of failing the whole read.
 */
import { isIP } from 'node:net';
import { pollSkipped, RouterError } from '../errors.js';
import type { Resource, RouterInfo } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { parseAddresses, parseCloud, parseIdentity, parseRouterboard } from '../routeros/schemas.js';
import { isPublicIpv4, isPublicIpv6, publicOrUndefined } from './public-address.js';
import type { CancelSignal } from '../time/cancel.js';

/** `auto`, `none`, or a literal IPv4/IPv6 address. */
export type PublicIpSetting = 'auto' | 'none' | (string & {});

export interface PublicAddresses {
  publicIpv4: string | undefined;
  publicIpv6: string | undefined;
  /** `auto` found no public address of either family: the router cannot tell it. */
  publicIpUnknown?: boolean;
}

export async function collectInfo(
  rest: RouterRest,
  signal: CancelSignal,
  resource: Resource,
  publicIpSetting: PublicIpSetting,
  defaultRouteInterfaces: readonly string[],
  /** A `/system/routerboard` reply this poll already read (the device identity's), else read here. */
  board?: unknown,
): Promise<RouterInfo> {
  const identity = parseIdentity(await rest.get('system/identity', { signal }));
  const routerboard = await optional(signal, async () => parseRouterboard(board ?? (await rest.get('system/routerboard', { signal }))));
  const addresses = await collectPublicAddresses(rest, signal, publicIpSetting, defaultRouteInterfaces);
  return {
    identity,
    boardName: resource.boardName,
    model: routerboard?.model,
    version: resource.version,
    architecture: resource.architecture,
    cpu: resource.cpu,
    cpuCount: resource.cpuCount,
    totalMemoryBytes: resource.totalMemoryBytes,
    totalHddBytes: resource.totalHddBytes,
    virtualization: resource.boardName === 'CHR' ? 'CHR' : 'None',
    ...addresses,
  };
}

/**
 * `auto`: per family, `/ip/cloud` first (the address the Internet sees, also behind NAT);
 * otherwise the first usable address on a default-route interface. Only public addresses
 * count (see public-address.ts): a private, CGNAT, link-local or loopback address — from the
 * cloud menu or an interface — is skipped, and when none is left the family stays unknown
 * and `publicIpUnknown` says so. A literal setting is taken as configured.
 */
async function collectPublicAddresses(
  rest: RouterRest,
  signal: CancelSignal,
  setting: PublicIpSetting,
  defaultRouteInterfaces: readonly string[],
): Promise<PublicAddresses> {
  if (setting === 'none') return { publicIpv4: undefined, publicIpv6: undefined };
  if (setting !== 'auto') {
    const family = isIP(setting);
    return { publicIpv4: family === 4 ? setting : undefined, publicIpv6: family === 6 ? setting : undefined };
  }
  const cloud = await optional(signal, async () =>
    parseCloud(await rest.get('ip/cloud', { proplist: ['public-address', 'public-address-ipv6'], signal })),
  );
  /** The first usable address of `menu` on the default-route interfaces, in their order. */
  const firstAddress = async (menu: 'ip/address' | 'ipv6/address', accept: (address: string) => boolean) => {
    for (const iface of defaultRouteInterfaces) {
      const found = await optional(signal, async () => {
        const reply = await rest.get(menu, {
          proplist: ['address', 'interface', 'disabled', 'invalid', 'link-local'],
          filter: { interface: iface },
          signal,
        });
        return parseAddresses(reply, menu).find((a) => a.usable && !a.linkLocal && accept(a.address))?.address;
      });
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const publicIpv4 = publicOrUndefined(cloud?.publicIpv4, 4) ?? (await firstAddress('ip/address', isPublicIpv4));
  const publicIpv6 = publicOrUndefined(cloud?.publicIpv6, 6) ?? (await firstAddress('ipv6/address', isPublicIpv6));
  return { publicIpv4, publicIpv6, publicIpUnknown: publicIpv4 === undefined && publicIpv6 === undefined };
}

/** Runs an optional read: a RouterError becomes undefined; an abort, a bug or a request the bridge had no slot for still throws. */
async function optional<T>(signal: CancelSignal, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (pollSkipped(signal, err) || !(err instanceof RouterError)) throw err;
    return undefined;
  }
}
