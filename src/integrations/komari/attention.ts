/**
 * What on the router needs a person's attention, as short public lines for Komari's `message`:
 * a sensor over its threshold, a PSU or fan failure, a RouterOS update available, a WAN
 * (traffic) interface whose link is down. Nothing otherwise. Only fresh readings count (the
 * collector's last run succeeded). Lines carry fixed texts, RouterOS sensor names (fixed by the
 * firmware, checked against a strict pattern) and version numbers: never an interface name,
 * an address or an error text. Pure.
 */
import type { ExtendedCollector, HealthSensor, HealthState, RouterSample } from '../../model.js';

/** Temperature thresholds in °C where RouterOS reports none (docs/metrics.md, "Komari message"). */
export const CPU_TEMPERATURE_LIMIT_C = 85;
export const OTHER_TEMPERATURE_LIMIT_C = 75;

/** RouterOS sensor names are short kebab-case words; anything else is not echoed. */
const SENSOR_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const VERSION = /^\d+\.\d+(?:\.\d+)?(?:(?:beta|rc)\d+)?$/;

const shown = (name: string): string => (SENSOR_NAME.test(name) ? name : 'a sensor');

function limitOf(sensor: HealthSensor): number | undefined {
  if (sensor.unit !== 'C') return undefined;
  return /cpu/.test(sensor.name) ? CPU_TEMPERATURE_LIMIT_C : OTHER_TEMPERATURE_LIMIT_C;
}

function sensorLines(sensors: readonly HealthSensor[]): string[] {
  return sensors.flatMap((s) => {
    const limit = limitOf(s);
    return limit !== undefined && s.value >= limit ? [`temperature: ${shown(s.name)} at ${Math.round(s.value)} °C (limit ${limit} °C)`] : [];
  });
}

function stateLines(states: readonly HealthState[]): string[] {
  return states.flatMap((s) => {
    if (s.ok) return [];
    const what = /psu/.test(s.name) ? 'power supply' : /fan/.test(s.name) ? 'fan' : 'health';
    const state = SENSOR_NAME.test(s.state) ? s.state : 'not ok';
    return [`${what} failure: ${shown(s.name)} is ${state}`];
  });
}

function fresh(sample: RouterSample, name: ExtendedCollector): boolean {
  return sample.extended?.collectors.some((c) => c.name === name && c.state === 'ok') ?? false;
}

function updateLine(sample: RouterSample): string[] {
  const u = sample.extended?.reading.updates;
  if (!fresh(sample, 'updates') || u?.available !== true) return [];
  const versions = u.installed !== undefined && u.latest !== undefined && VERSION.test(u.installed) && VERSION.test(u.latest) ? `: ${u.installed} -> ${u.latest}` : '';
  return [`firmware: RouterOS update available${versions}`];
}

function wanLine(sample: RouterSample): string[] {
  const wan = new Set(sample.trafficInterfaces ?? []);
  const table = sample.extended?.reading.interfaces?.interfaces;
  if (!fresh(sample, 'interfaces') || table === undefined || wan.size === 0) return [];
  const down = table.filter((i) => wan.has(i.name) && !i.disabled && !i.running).length;
  if (down === 0) return [];
  return [down === 1 ? 'network: a WAN (traffic) interface link is down' : `network: ${down} WAN (traffic) interface links are down`];
}

/** One line per condition that needs attention; empty when nothing does. */
export function attentionLines(sample: RouterSample): string[] {
  const states = fresh(sample, 'health') ? (sample.extended?.reading.health?.states ?? []) : [];
  return [...stateLines(states), ...sensorLines(sample.health), ...wanLine(sample), ...updateLine(sample)];
}
