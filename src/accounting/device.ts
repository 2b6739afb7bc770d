/**
 * Is this still the same device? Pure.
 *
 * A replaced unit, a failover address that moved, a DHCP lease given to another box: the
 * router's URL now reaches a different device, whose counters hold its own history. When
 * the identity read from the device differs from the one kept in the state, its counters
 * are a new baseline and never added. An identity that could not be read (undefined) is
 * no evidence either way: the one kept stays.
 */
export function deviceChanged(kept: string | undefined, read: string | undefined): boolean {
  return kept !== undefined && read !== undefined && kept !== read;
}
