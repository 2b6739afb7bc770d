import { describe, expect, it } from 'vitest';
import { komariMessage, MAX_MESSAGE_CHARS } from '../../../src/integrations/komari/message.js';
import { toKomariReport } from '../../../src/integrations/komari/payload.js';
import { routerInfo, routerSample } from './samples.js';

describe('Komari message (public)', () => {
  it('is empty when everything is measured', () => {
    expect(toKomariReport(routerSample()).message).toBe('');
  });

  it('says when connection counts are unknown or approximate instead of a silent 0/0', () => {
    const unknown = toKomariReport(routerSample({ connections: undefined }));
    expect(unknown.connections).toEqual({ tcp: 0, udp: 0 });
    expect(unknown.message).toBe('connections: unknown (not counted yet, or the router cannot count them), sent as 0\n');
    const total = toKomariReport(routerSample({ connections: { tcp: 900, udp: 0, source: 'tracking-total' } }));
    expect(total.message).toMatch(/^connections: approximate, the whole connection-tracking table is sent as tcp/);
  });

  it('names degraded collectors one line each, as the official agent does, and an unknown public address', () => {
    const sample = routerSample({ degraded: ['connections', 'health', 'future-thing'], info: routerInfo({ publicIpUnknown: true }) });
    expect(komariMessage(sample).split('\n')).toEqual([
      'failed to get connections: not readable from the router, last counts kept',
      'failed to get temperatures: /system/health not readable, last readings kept',
      'failed to get future-thing: collector degraded',
      'public address: unknown, the router reports no public address',
      '',
    ]);
  });

  it('never carries an address, a router name or an error text, and stays bounded', () => {
    const sample = routerSample({
      router: 'secret-site-name',
      connections: undefined,
      degraded: Array.from({ length: 50 }, (_, i) => `c${i}`),
      info: routerInfo({ identity: 'secret-site-name', publicIpv4: '203.0.113.9', publicIpUnknown: true }),
    });
    const text = komariMessage(sample);
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(text).not.toContain('secret-site-name');
    expect(text).not.toContain('203.0.113.9');
  });
});
