/** Router samples for the Komari tests: a hAP ax^2 with realistic figures. */
import type { RouterInfo, RouterSample } from '../../../src/model.js';

export function routerInfo(over: Partial<RouterInfo> = {}): RouterInfo {
  return {
    identity: 'home-gw',
    boardName: 'hAP ax^2',
    model: 'C52iG-5HaxD2HaxD',
    version: '7.20.5 (stable)',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    totalMemoryBytes: 1073741824,
    totalHddBytes: 134217728,
    virtualization: 'None',
    publicIpv4: '203.0.113.7',
    publicIpv6: undefined,
    ...over,
  };
}

export function routerSample(over: Partial<RouterSample> = {}): RouterSample {
  return {
    health: [],
    router: 'home-gw',
    takenAt: 1_760_000_000_000,
    resource: {
      uptimeS: 86400,
      version: '7.20.5 (stable)',
      cpuLoadPercent: 7,
      cpuCount: 4,
      cpuFrequencyMhz: 1200,
      cpu: 'ARM64',
      architecture: 'arm64',
      boardName: 'hAP ax^2',
      totalMemoryBytes: 1073741824,
      freeMemoryBytes: 805306368,
      totalHddBytes: 134217728,
      freeHddBytes: 100663296,
    },
    traffic: { upBps: 125000, downBps: 2500000, totalUpBytes: 981234567, totalDownBytes: 12345678901 },
    connections: { tcp: 123, udp: 45, source: 'count-only' },
    info: routerInfo(),
    ...over,
  };
}
