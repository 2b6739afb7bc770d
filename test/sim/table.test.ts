import { describe, expect, it } from 'vitest';
import type { RouterSample } from '../../src/model.js';
import type { RouterView } from '@tikprobe/sim/bridge-view.js';
import { renderTable } from '@tikprobe/sim/table.js';
import { formatAge, formatBitRate, formatBytes, formatCount, formatShortBitRate, formatShortBytes } from '@tikprobe/sim/units.js';

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
  it('has one-letter forms for the table', () => {
    expect(formatShortBitRate(100)).toBe('800');
    expect(formatShortBitRate(1_537_500)).toBe('12.3M');
    expect(formatShortBitRate(124_999)).toBe('1.0M');
    expect(formatShortBytes(512)).toBe('512');
    expect(formatShortBytes(3.5 * 1024 * GIB)).toBe('3.5T');
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
  it('renders one aligned row per router with compact human units, within 80 columns', () => {
    const text = renderTable({ views: [view()], now: NOW, komari: new Map([['r1', { accepted: 4, rejected: 0 }]]), width: 200 });
    const [header, row, , summary] = text.split('\n');
    expect(header).toMatch(/^ROUTER\s+STATE\s+CPU\s+MEM\s+RATE ↑\/↓ bit\/s\s+TOTAL ↑\/↓\s+TCP\/UDP\s+PING\s+AGE\s+KOMARI$/);
    expect(row).toMatch(/^r1\s+up\s+7%\s+25%\s+12\.3M\/100\.0M\s+1\.2G\/3\.5T\s+35\.1k\/812\s+12ms\s+3s\s+4$/);
    expect(summary).toBe('1 router(s), 1 up; Komari reports: 4 accepted, 0 refused');
    // Right-aligned columns end where their titles end.
    expect((row ?? '').indexOf('12.3M/100.0M') + '12.3M/100.0M'.length).toBe((header ?? '').indexOf('bit/s') + 'bit/s'.length);
  });

  it('fits 80 columns by leaving out the least useful columns first, and shows everything when wide', () => {
    const many = ['r10', 'r2', 'edge-router-long-name', 'r1'].map((name) => view({ name }));
    const komari = new Map(many.map((v) => [v.name, { accepted: 123456, rejected: 7 }]));
    const narrow = renderTable({ views: many, now: NOW, komari, width: 80 });
    for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(narrow).toContain('RATE ↑/↓ bit/s');
    expect(narrow).not.toContain('AGE');
    const wide = renderTable({ views: many, now: NOW, komari, width: 200 });
    expect(wide.split('\n')[0]).toMatch(/AGE\s+KOMARI$/);
    expect(wide).toContain('123456+7✗');
  });

  it('lists routers in natural name order', () => {
    const text = renderTable({ views: ['r10', 'r2', 'r1'].map((name) => view({ name })), now: NOW });
    expect(text.split('\n').slice(1, 4).map((l) => l.split(' ')[0])).toEqual(['r1', 'r2', 'r10']);
  });

  it('shows dashes before the first sample and the error of a router that is down below the table', () => {
    const text = renderTable({
      views: [
        view({ name: 'starting-one', state: 'starting', lastSample: undefined, lastPing: undefined }),
        view({ name: 'r2', state: 'down', lastError: 'ROUTER_AUTH: 401 from the router\nwrong password', lastSample: undefined }),
      ],
      now: NOW,
    });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^r2\s+down\s+–/);
    expect(lines[2]).toMatch(/^starting-one\s+starting\s+–/);
    expect(lines[4]).toBe('r2: ROUTER_AUTH: 401 from the router wrong password');
    expect(text).toContain('2 router(s), 0 up');
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });

  it('marks lost pings, tracking-only connection totals and refused reports', () => {
    const text = renderTable({
      views: [view({ lastPing: { value: -1, at: NOW }, lastSample: sample({ connections: { tcp: 1500, udp: 0, source: 'tracking-total' } }) })],
      now: NOW,
      komari: new Map([['r1', { accepted: 2, rejected: 3 }]]),
      width: 200,
    });
    expect(text).toContain('lost');
    expect(text).toContain('1500 all');
    expect(text).toContain('2+3✗');
    expect(text).toContain('Komari reports: 2 accepted, 3 refused');
  });

  it('cuts long errors to the width', () => {
    const text = renderTable({ views: [view({ state: 'backoff', lastError: 'x'.repeat(200) })], now: NOW, width: 40 });
    expect(text).toContain(`r1: ${'x'.repeat(35)}…`);
    expect(text).not.toContain('x'.repeat(37));
  });
});
