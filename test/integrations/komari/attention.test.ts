import { describe, expect, it } from 'vitest';
import { attentionLines, CPU_TEMPERATURE_LIMIT_C } from '../../../src/integrations/komari/attention.js';
import { komariMessage } from '../../../src/integrations/komari/message.js';
import type { ExtendedView, RouterSample } from '../../../src/model.js';
import { extendedView } from '../../status/extended-view.js';
import { routerSample } from './samples.js';

/** The fixture view with every condition calm: PSUs ok, no update, WAN link up. */
function calm(): ExtendedView {
  const v = extendedView();
  const r = v.reading;
  return {
    ...v,
    reading: {
      ...r,
      health: { sensors: r.health?.sensors ?? [], states: [{ name: 'psu1-state', state: 'ok', ok: true }] },
      updates: { channel: 'stable', installed: '7.20.5', latest: '7.20.5', available: false },
    },
  };
}

const sample = (over: Partial<RouterSample> = {}): RouterSample =>
  routerSample({ extended: calm(), trafficInterfaces: ['sfp-sfpplus1'], health: [{ name: 'cpu-temperature', value: 61, unit: 'C' }], ...over });

describe('Komari attention lines', () => {
  it('are empty when nothing needs attention, and the message stays empty', () => {
    expect(attentionLines(sample())).toEqual([]);
    expect(komariMessage(sample())).toBe('');
    expect(attentionLines(routerSample())).toEqual([]);
  });

  it('name a sensor over its threshold: CPU at the documented default, others lower', () => {
    const hot = sample({ health: [{ name: 'cpu-temperature', value: CPU_TEMPERATURE_LIMIT_C, unit: 'C' }, { name: 'board-temperature1', value: 74, unit: 'C' }] });
    expect(attentionLines(hot)).toEqual(['temperature: cpu-temperature at 85 °C (limit 85 °C)']);
    const board = sample({ health: [{ name: 'board-temperature1', value: 76.4, unit: 'C' }, { name: 'psu1-voltage', value: 99, unit: 'V' }] });
    expect(attentionLines(board)).toEqual(['temperature: board-temperature1 at 76 °C (limit 75 °C)']);
  });

  it('say a PSU or fan failed, an update is available and a WAN link is down, in that order', () => {
    const ext = extendedView();
    const reading = {
      ...ext.reading,
      health: { sensors: [], states: [{ name: 'psu2-state', state: 'fail', ok: false }, { name: 'fan1-state', state: 'no-input', ok: false }] },
    };
    const s = sample({ extended: { ...ext, reading }, trafficInterfaces: ['ether2 "lan" \\ x', 'sfp-sfpplus1'] });
    expect(attentionLines(s)).toEqual([
      'power supply failure: psu2-state is fail',
      'fan failure: fan1-state is no-input',
      'network: a WAN (traffic) interface link is down',
      'firmware: RouterOS update available: 7.16.2 -> 7.20.5',
    ]);
    expect(komariMessage(s).startsWith('power supply failure')).toBe(true);
  });

  it('ignore stale readings, non-WAN interfaces and disabled ones', () => {
    const stale = extendedView({ health: 'failing', updates: 'failing', interfaces: 'failing' });
    expect(attentionLines(sample({ extended: stale, trafficInterfaces: ['ether2 "lan" \\ x'] }))).toEqual([]);
    expect(attentionLines(sample({ trafficInterfaces: ['ether3'] }))).toEqual([]);
  });

  it('never echo a name that is not a RouterOS sensor word, nor an interface name', () => {
    const ext = calm();
    const reading = { ...ext.reading, health: { sensors: [], states: [{ name: 'psu "203.0.113.9"', state: 'fail', ok: false }] } };
    const s = sample({ extended: { ...ext, reading }, health: [{ name: 'My Secret Probe', value: 99, unit: 'C' }], trafficInterfaces: ['sfp-sfpplus1'] });
    const text = attentionLines(s).join('\n');
    expect(text).toBe('power supply failure: a sensor is fail\ntemperature: a sensor at 99 °C (limit 75 °C)');
    expect(text).not.toContain('203.0.113.9');
  });
});
