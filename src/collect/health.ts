/**
 * `/system/health`: the router's sensors. RouterOS v7 answers `[{.id, name, value, type}]` with
 * every value a string and `type` the unit: "C", "V", "A", "W", "RPM", "%", or "" for states
 * such as `fan-state`/`psu1-state` = "ok" | "fail". Numeric entries become sensors, textual
 * ones states; entries of neither shape are skipped. A router without the menu (CHR, VMs)
 * answers "no such command" (ROUTER_UNSUPPORTED): the caller stops asking.
 */
import type { HealthReading, HealthSensor, HealthState } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { baseUnit, recordsOf, text } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { HealthReading, HealthState };

/** Sensor entries kept at most (a reply is outside-controlled). */
export const MAX_SENSORS = 64;
const MAX_NAME = 64;
/** Only these properties are asked for: the reply stays small. */
export const HEALTH_PROPLIST = ['name', 'value', 'type'] as const;

const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** Numeric sensors, the unit as RouterOS names it; undefined when the reply is not JSON records. */
export function parseHealth(reply: unknown): HealthSensor[] | undefined {
  return parseHealthReading(reply)?.sensors;
}

/** Numeric sensors and textual states of one reply; undefined for a reply that is not records. */
export function parseHealthReading(reply: unknown): HealthReading | undefined {
  if (reply === null || typeof reply !== 'object') return undefined;
  const sensors: HealthSensor[] = [];
  const states: HealthState[] = [];
  for (const rec of recordsOf(reply, MAX_SENSORS)) {
    const name = text(rec, 'name', MAX_NAME);
    const value = text(rec, 'value', 32);
    if (name === undefined || value === undefined) continue;
    const unit = typeof rec.type === 'string' ? rec.type.trim().slice(0, 8) : '';
    if (NUMBER.test(value)) sensors.push({ name, value: Number(value), unit });
    else if (/^[a-z][a-z0-9-]*$/.test(value)) states.push({ name, state: value, ok: value === 'ok' });
  }
  return { sensors, states };
}

/** The unit of a sensor in base-unit words for metric names ("celsius", "rpm"); '' when unknown. */
export function sensorBaseUnit(sensor: HealthSensor): string {
  return baseUnit(sensor.unit)?.unit ?? '';
}

export async function collectHealthReading(rest: RouterRest, signal: CancelSignal): Promise<HealthReading> {
  const reply = await rest.get('system/health', { signal, proplist: HEALTH_PROPLIST });
  return parseHealthReading(reply) ?? { sensors: [], states: [] };
}

export async function collectHealth(rest: RouterRest, signal: CancelSignal): Promise<HealthSensor[]> {
  return (await collectHealthReading(rest, signal)).sensors;
}
