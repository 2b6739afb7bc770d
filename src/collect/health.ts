/**
 * `/system/health`: the router's sensors. RouterOS v7 answers `[{name, value, type}]` with
 * every value a string and `type` the unit ("C", "V", "A", "W", "RPM", "%"). Entries that are
 * not of that shape are skipped. A router without the menu answers "no such command"
 * (ROUTER_UNSUPPORTED): the caller stops asking.
 */
import type { HealthSensor } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';

/** Sensor entries kept at most (a reply is outside-controlled). */
export const MAX_SENSORS = 64;
const MAX_NAME = 64;

export function parseHealth(reply: unknown): HealthSensor[] | undefined {
  const list = Array.isArray(reply) ? reply : reply !== null && typeof reply === 'object' ? [reply] : undefined;
  if (list === undefined) return undefined;
  const out: HealthSensor[] = [];
  for (const entry of list) {
    if (out.length >= MAX_SENSORS) break;
    if (entry === null || typeof entry !== 'object') continue;
    const { name, value, type } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof value !== 'string' || value.trim() === '') continue;
    const n = Number(value);
    if (!Number.isFinite(n)) continue;
    out.push({ name: name.slice(0, MAX_NAME), value: n, unit: typeof type === 'string' ? type.slice(0, 8) : '' });
  }
  return out;
}

export async function collectHealth(rest: RouterRest, signal: AbortSignal): Promise<HealthSensor[]> {
  const reply = await rest.get('system/health', { signal });
  return parseHealth(reply) ?? [];
}
