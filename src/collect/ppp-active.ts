/**
 * PPP active sessions (PPPoE, L2TP, SSTP, OVPN, …): counted with `count-only`, never listed,
 * so a concentrator with thousands of sessions costs one short reply. A router without the
 * ppp menu answers "no such command".
 */
import type { PppSessions } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { countOf } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { PppSessions };

/** `{"ret":"<n>"}` → the count; undefined when the reply is not a count. */
export function parsePppCount(reply: unknown): PppSessions | undefined {
  const active = countOf(reply);
  return active === undefined ? undefined : { active };
}

export async function collectPppActive(rest: RouterRest, signal: CancelSignal): Promise<PppSessions> {
  const parsed = parsePppCount(await rest.post('ppp/active/print', { 'count-only': '' }, { signal }));
  if (parsed === undefined) throw new Error('/ppp/active count-only reply has no "ret" count');
  return parsed;
}
