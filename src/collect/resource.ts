/** `/system/resource`: uptime, load, memory, disk, version. Small enough to fetch whole. */
import type { Resource } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { parseResource } from '../routeros/schemas.js';
import type { CancelSignal } from '../time/cancel.js';

export async function collectResource(rest: RouterRest, signal: CancelSignal): Promise<Resource> {
  return parseResource(await rest.get('system/resource', { signal }));
}
