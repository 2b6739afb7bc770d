/**
 * Node UUIDs for Nezha. A router's UUID is a UUIDv5 (RFC 9562, SHA-1) of its name in a fixed
 * tikprobe namespace, so the same router gets the same node on every restart and on every
 * machine, and the dashboard registers it on first contact. Pure.
 */
import { createHash } from 'node:crypto';

/** tikprobe's own namespace for Nezha node UUIDs. Never change it: every node would be new. */
export const TIKPROBE_NEZHA_NAMESPACE = '3b0f6a52-9c41-5e7d-8a2f-6d1c0e4b7a93';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the 8-4-4-4-12 hex form the dashboard parses (a malformed one counts as an auth failure there). */
export function isUuid(text: string): boolean {
  return UUID_TEXT.test(text);
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** UUIDv5 of `name` (UTF-8) in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  if (!isUuid(namespace)) throw new Error('namespace must be a UUID');
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** The configured UUID (lower-cased) or the router name's UUIDv5 in tikprobe's namespace. */
export function nodeUuid(routerName: string, configured: string | undefined): string {
  return configured !== undefined ? configured.toLowerCase() : uuidV5(routerName, TIKPROBE_NEZHA_NAMESPACE);
}

/**
 * A node UUID unique to this installation and this device: UUIDv5 of the installation id
 * (random, kept in state.dir) and the device identity (serial number or software id), or the
 * router name while the device identity is unknown. Two installations never share a node,
 * and one installation gives a device the same node whatever the router is called.
 */
export function installationNodeUuid(installationId: string, deviceId: string | undefined, routerName: string): string {
  const subject = deviceId !== undefined && deviceId !== '' ? `device:${deviceId}` : `router:${routerName}`;
  return uuidV5(`${installationId.toLowerCase()}/${subject}`, TIKPROBE_NEZHA_NAMESPACE);
}
