import { describe, expect, it } from 'vitest';
import type { RouterSample } from '../../src/model.js';
import type { RouterView } from '@tikprobe/sim/bridge-view.js';
import { renderTable } from '@tikprobe/sim/table.js';
import { formatAge, formatBitRate, formatBytes, formatCount } from '@tikprobe/sim/units.js';

const GIB = 1024 ** 3;
const NOW = 1_800_000_000_000;

function sample(over: Partial<RouterSample> = {}): RouterSample {
  return {
    health: [],
    router: 'r1',
    takenAt: NOW - 3000,
    resource: {
      uptimeS: 3600,
      version: '7.20.5 (stable)',
      cpuLoadPercent: 7,
      cpuCount: 4,
      cpuFrequencyMhz: 864,
      cpu: 'ARM64',
      architecture: 'arm64',
      boardName: 'hAP ax^2',
      totalMemoryBytes: GIB,
      freeMemoryBytes: 0.75 * GIB,
      totalHddBytes: 128 * 1024 ** 2,
      freeHddBytes: 64 * 1024 ** 2,
    },
    traffic: { upBps: 1_537_500, downBps: 12_500_000, totalUpBytes: 1.2 * GIB, totalDownBytes: 3.5 * 1024 * GIB },
    connections: { tcp: 35_097, udp: 812, source: 'count-only' },
    info: {
      identity: 'r1',
      boardName: 'hAP ax^2',
      model: 'C52iG-5HaxD2HaxD',
      version: '7.20.5 (stable)',
      architecture: 'arm64',
      cpu: 'ARM64',
      cpuCount: 4,
      totalMemoryBytes: GIB,
      totalHddBytes: 128 * 1024 ** 2,
      virtualization: 'None',
      publicIpv4: '203.0.113.7',
      publicIpv6: undefined,
    },
    ...over,
  };
}

function view(over: Partial<RouterView> = {}): RouterView {
  return { name: 'r1', state: 'up', lastSample: sample(), lastError: undefined, lastPing: { value: 12, at: NOW - 2000 }, ...over };
}

describe('human units', () => {
  it('shows rates in bits per second with SI prefixes', () => {
    expect(formatBitRate(0)).toBe('0 bit/s');
    expect(formatBitRate(100)).toBe('800 bit/s');
    expect(formatBitRate(1_537_500)).toBe('12.3 Mbit/s');
    expect(formatBitRate(150_000_000)).toBe('1.2 Gbit/s');
    // Rounding up to the next prefix, never "1000.0 kbit/s".
    expect(formatBitRate(124_999)).toBe('1.0 Mbit/s');
  });
  it('shows sizes with binary prefixes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.2 * GIB)).toBe('1.2 GiB');
    expect(formatBytes(3.5 * 1024 * GIB)).toBe('3.5 TiB');
    expect(formatBytes(-5)).toBe('0 B');
  });
  it('shortens big counts and ages', () => {
    expect(formatCount(9999)).toBe('9999');
    expect(formatCount(35_097)).toBe('35.1k');
    expect(formatCount(1_200_000)).toBe('1.2M');
    expect(formatAge(400)).toBe('now');
    expect(formatAge(4200)).toBe('4s');
    expect(formatAge(185_000)).toBe('3m');
  });
});

describe('renderTable', () => {
  it('renders one aligned row per router with human units', () => {
    const text = renderTable({ views: [view()], now: NOW, komari: new Map([['r1', { accepted: 4, rejected: 0 }]]) });
    const [header, row, , summary] = text.split('\n');
    expect(header).toMatch(/^ROUTER\s+STATE\s+CPU\s+MEMORY\s+↑ RATE\s+↓ RATE\s+↑ TOTAL\s+↓ TOTAL\s+CONNS TCP\/UDP\s+PING\s+SAMPLE\s+KOMARI\s+NOTE$/);
    expect(row).toContain('r1');
    expect(row).toContain('7%');
    expect(row).toContain('256.0 MiB / 1.0 GiB');
    expect(row).toContain('12.3 Mbit/s');
    expect(row).toContain('100.0 Mbit/s');
    expect(row).toContain('1.2 GiB');
    expect(row).toContain('3.5 TiB');
    expect(row).toContain('35.1k/812');
    expect(row).toContain('12 ms');
    expect(row).toContain('3s');
    expect(row).toContain('4 ok');
    expect(summary).toBe('1 router(s), 1 up');
    // Right-aligned columns end where their titles end.
    expect((row ?? '').indexOf('12.3 Mbit/s') + '12.3 Mbit/s'.length).toBe((header ?? '').indexOf('↑ RATE') + '↑ RATE'.length);
  });

  it('shows dashes before the first sample and the error of a router that is down', () => {
    const text = renderTable({
      views: [
        view({ name: 'starting-one', state: 'starting', lastSample: undefined, lastPing: undefined }),
        view({ name: 'r2', state: 'down', lastError: 'ROUTER_AUTH: 401 from the router\nwrong password', lastSample: undefined }),
      ],
      now: NOW,
    });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^starting-one\s+starting\s+–/);
    expect(lines[2]).toContain('ROUTER_AUTH: 401 from the router wrong password');
    expect(text).toContain('2 router(s), 0 up');
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });

  it('marks lost pings, tracking-only connection totals and refused reports', () => {
    const text = renderTable({
      views: [view({ lastPing: { value: -1, at: NOW }, lastSample: sample({ connections: { tcp: 1500, udp: 0, source: 'tracking-total' } }) })],
      now: NOW,
      komari: new Map([['r1', { accepted: 2, rejected: 3 }]]),
    });
    expect(text).toContain('lost');
    expect(text).toContain('1500 total');
    expect(text).toContain('2 ok 3 bad');
  });

  it('cuts long errors to the width given', () => {
    const text = renderTable({ views: [view({ state: 'backoff', lastError: 'x'.repeat(200) })], now: NOW, errorWidth: 20 });
    expect(text).toContain(`${'x'.repeat(19)}…`);
    expect(text).not.toContain('x'.repeat(20));
  });
});
