/** The per-router `extended` block of /status: collector states, last run and error, compact values. */
import { describe, expect, it } from 'vitest';
import { routerStatus } from '../../src/status/status-view.js';
import { extendedRouterView, extendedView } from './extended-view.js';

const view = extendedRouterView;

describe('/status extended block', () => {
  it('is null for a router without extended collectors', () => {
    expect(routerStatus(view({ extended: undefined }), []).extended).toBeNull();
  });

  it('lists every collector with its state, last success (ISO) and last error', () => {
    const ext = extendedView({ health: 'failing', ppp: 'absent', dhcp: 'disabled' });
    const health = ext.collectors.find((c) => c.name === 'health');
    Object.assign(health ?? {}, { lastOkAt: Date.UTC(2026, 0, 1), error: 'GET /rest/system/health: HTTP 500', failures: 3 });
    const block = routerStatus(view({ extended: ext }), []).extended;
    expect(block?.collectors.map((c) => [c.name, c.state])).toEqual([
      ['interfaces', 'ok'],
      ['health', 'failing'],
      ['ethernet', 'ok'],
      ['ppp', 'absent'],
      ['dhcp', 'disabled'],
      ['wireless', 'ok'],
      ['wireguard', 'ok'],
      ['updates', 'ok'],
    ]);
    expect(block?.collectors[1]).toEqual({
      name: 'health',
      state: 'failing',
      lastOkAt: '2026-01-01T00:00:00.000Z',
      lastError: 'GET /rest/system/health: HTTP 500',
      failures: 3,
    });
    expect(block?.collectors[0]).toMatchObject({ lastOkAt: null, lastError: null });
  });

  it('carries the latest values compacted: counts and summaries, not whole tables', () => {
    const v = routerStatus(view(), []).extended?.values;
    expect(v?.interfaces).toEqual({ exported: 3, notExported: 2, running: 1, down: ['ether2 "lan" \\ x'] });
    expect(v?.health?.sensors).toMatchObject({ 'cpu-temperature': '61 °C', 'fan1-speed': '4830 RPM', 'psu1-voltage': '12.1 V' });
    expect(v?.health?.failedStates).toEqual(['psu2-state=fail']);
    expect(v?.ethernet?.[0]).toEqual({ name: 'sfp-sfpplus1', status: 'link-ok', rateBps: 1e10, sfpRxPowerDbm: -5.1 });
    expect(v?.ethernet?.[1]).toEqual({ name: 'ether2', status: 'no-link', rateBps: null });
    expect(v?.ppp).toEqual({ active: 120 });
    expect(v?.dhcp).toEqual({
      bound: 200,
      waiting: 3,
      servers: [
        { server: 'lan_dhcp', bound: 180, waiting: 2, countedAt: '1970-01-01T00:00:01.000Z' },
        { server: 'guest "wifi"', bound: 19, waiting: 0, countedAt: '1970-01-01T00:00:02.000Z' },
      ],
      serversNotCounted: 1,
    });
    expect(v?.wireless).toEqual({ package: 'wifi', clients: 3, weakestDbm: -70 });
    expect(v?.wireguard).toEqual({ peers: 2, withHandshake: 1, oldestHandshakeAgeSeconds: 42 });
    expect(v?.updates).toEqual({ channel: 'stable', installed: '7.16.2', latest: '7.20.5', available: true });
  });

  it('leaves out collectors that have read nothing yet, and serialises to JSON as is', () => {
    const ext = extendedView();
    ext.reading = {};
    const block = routerStatus(view({ extended: ext }), []).extended;
    expect(block?.values).toEqual({});
    expect(JSON.parse(JSON.stringify(routerStatus(view(), [])))).toMatchObject({ extended: { running: false } });
  });
});
