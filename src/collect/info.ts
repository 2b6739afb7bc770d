/**
 * Static facts about a router (identity, model, version, public addresses), refreshed at the
 * basic-info cadence. Identity and resource are required; routerboard, cloud and the IPv6
 * package are optional on real routers (CHR, no cloud, ipv6 disabled), so their failures
 * degrade to undefined instead of failing the whole read.
 */
import { isIP } from 'node:net';
import { RouterError } from '../errors.js';
import type { Resource, RouterInfo } from '../model.js';
import { isGlobalIpv6 } from '../routeros/address.js';
import type { RouterRest } from '../routeros/rest.js';
import { parseAddresses, parseCloud, parseIdentity, parseRouterboard } from '../routeros/schemas.js';

/** `auto`, `none`, or a literal IPv4/IPv6 address. */
export type PublicIpSetting = 'auto' | 'none' | (string & {});

export interface PublicAddresses {
  publicIpv4: string | undefined;
  publicIpv6: string | undefined;
}

export async function collectInfo(
  rest: RouterRest,
  signal: AbortSignal,
  resource: Resource,
  publicIpSetting: PublicIpSetting,
  defaultRouteInterfaces: readonly string[],
): Promise<RouterInfo> {
  const identity = parseIdentity(await rest.get('system/identity', { signal }));
  const routerboard = await optional(signal, async () => parseRouterboard(await rest.get('system/routerboard', { signal })));
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
 * otherwise the first usable address on a default-route interface. For IPv4 that address is
 * taken even when private, since it is the one the router is reached by on its uplink; for
 * IPv6 link-local (fe80::/10) and unique-local (fc00::/7) addresses are skipped.
 */
async function collectPublicAddresses(
  rest: RouterRest,
  signal: AbortSignal,
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
  return {
    publicIpv4: cloud?.publicIpv4 ?? (await firstAddress('ip/address', () => true)),
    publicIpv6: cloud?.publicIpv6 ?? (await firstAddress('ipv6/address', isGlobalIpv6)),
  };
}

/** Runs an optional read: a RouterError becomes undefined; an abort or a bug still throws. */
async function optional<T>(signal: AbortSignal, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (signal.aborted || !(err instanceof RouterError)) throw err;
    return undefined;
  }
}
