/**
 * The identity of the device behind a router's URL, read at the basic-info cadence (and at
 * once when the uptime does not fit the previous one): accounting gives a new baseline when
 * it changes (accounting/device.ts), so a replaced unit or a moved address never adds
 * another device's counters.
 *
 * Chosen: `/system/routerboard` `serial-number` on RouterBOARD hardware (unique per unit,
 * survives reinstall and reset-configuration); else `/system/license` `software-id` (x86)
 * or `system-id` (CHR), which RouterOS derives from the installation. The router's identity
 * name or MAC addresses were not chosen: a replaced unit usually gets the old configuration,
 * name and often MAC included. The value carries its source (`serial:`, `software-id:`,
 * `system-id:`), so a serial is never compared with a software id.
 */
import { pollSkipped } from '../errors.js';
import type { RouterRest } from '../routeros/rest.js';
import type { CancelSignal } from '../time/cancel.js';

const MAX_ID = 100;

/** What basic info also reads from `/system/routerboard`, so one reply serves both. */
const BOARD_FIELDS = ['routerboard', 'serial-number', 'model', 'current-firmware'];

/**
 * The device identity (undefined when the router offers none this user may read), and the
 * `/system/routerboard` reply it was read from (undefined when that read failed): basic info
 * due in the same poll takes the model from it instead of asking again.
 */
export async function collectDevice(rest: RouterRest, signal: CancelSignal): Promise<{ id: string | undefined; board: unknown }> {
  const board = await rest.get('system/routerboard', { signal, proplist: BOARD_FIELDS }).catch(rethrowIfSkipped(signal));
  const serial = deviceIdFromRouterboard(board);
  if (serial !== undefined) return { id: serial, board };
  const license = await rest.get('system/license', { signal }).catch(rethrowIfSkipped(signal));
  return { id: deviceIdFromLicense(license), board };
}

/** A menu this user may not read means no identity from it; a stopped or slot-starved poll is skipped whole. */
function rethrowIfSkipped(signal: CancelSignal): (err: unknown) => undefined {
  return (err) => {
    if (pollSkipped(signal, err)) throw err;
    return undefined;
  };
}

/** `serial:<serial-number>` from a `/system/routerboard` reply on RouterBOARD hardware. */
export function deviceIdFromRouterboard(reply: unknown): string | undefined {
  const r = record(reply);
  if (r?.routerboard !== 'true') return undefined;
  const serial = text(r['serial-number']);
  return serial === undefined ? undefined : `serial:${serial}`;
}

/** `software-id:<id>` (x86) or `system-id:<id>` (CHR) from a `/system/license` reply. */
export function deviceIdFromLicense(reply: unknown): string | undefined {
  const r = record(reply);
  if (!r) return undefined;
  const software = text(r['software-id']);
  if (software !== undefined) return `software-id:${software}`;
  const system = text(r['system-id']);
  return system === undefined ? undefined : `system-id:${system}`;
}

function record(v: unknown): Record<string, unknown> | undefined {
  const one = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return typeof one === 'object' && one !== null && !Array.isArray(one) ? (one as Record<string, unknown>) : undefined;
}

/** A printable, bounded identifier; anything else is no identity. */
function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID && /^[\x21-\x7e]+$/.test(v) ? v : undefined;
}
