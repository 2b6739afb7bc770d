/**
 * WireGuard peers: `last-handshake` (a RouterOS duration, absent before the first handshake)
 * and byte counters, read with a `.proplist` that leaves keys out. At most MAX_PEERS are kept.
 */
import type { WireguardPeer } from '../model.js';
import { parseRouterDuration } from '../routeros/duration.js';
import type { RouterRest } from '../routeros/rest.js';
import { counter, flag, recordsOf, text } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { WireguardPeer };

export const MAX_PEERS = 256;
export const WIREGUARD_PROPLIST = ['interface', 'name', 'comment', 'last-handshake', 'rx', 'tx', 'disabled'] as const;

/** Whole seconds of a RouterOS duration; undefined for text that is not one. */
function handshakeAge(raw: string): number | undefined {
  try {
    return Math.floor(parseRouterDuration(raw));
  } catch {
    return undefined;
  }
}

export function parseWireguardPeers(reply: unknown): WireguardPeer[] {
  return recordsOf(reply, MAX_PEERS).map((rec, i) => {
    const peer: WireguardPeer = {
      interface: text(rec, 'interface') ?? '',
      name: text(rec, 'name') ?? text(rec, 'comment') ?? `peer${i + 1}`,
      disabled: flag(rec, 'disabled') ?? false,
    };
    const hs = text(rec, 'last-handshake', 32);
    const age = hs === undefined ? undefined : handshakeAge(hs);
    if (age !== undefined) peer.handshakeAgeSeconds = age;
    const rx = counter(rec, 'rx');
    const tx = counter(rec, 'tx');
    if (rx !== undefined) peer.rxBytes = rx;
    if (tx !== undefined) peer.txBytes = tx;
    return peer;
  });
}

export async function collectWireguardPeers(rest: RouterRest, signal: CancelSignal): Promise<WireguardPeer[]> {
  return parseWireguardPeers(await rest.get('interface/wireguard/peers', { signal, proplist: WIREGUARD_PROPLIST }));
}
