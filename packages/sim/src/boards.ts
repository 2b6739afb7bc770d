/**
 * The hardware a simulated router pretends to be, with figures taken from real
 * `/system/resource` and `/system/routerboard` replies (hAP ac² 7.16, CHR 7.19.4,
 * hAP ax² 7.20.5) plus two common boards. Pure data.
 */

export interface Board {
  boardName: string;
  /** `/system/routerboard` `model`; undefined on CHR, which has no RouterBOARD. */
  model: string | undefined;
  architecture: string;
  cpu: string;
  cpuCount: number;
  cpuFrequencyMhz: number;
  totalMemory: number;
  totalHdd: number;
  version: string;
  buildTime: string;
  factorySoftware: string;
  firmwareType: string | undefined;
  /** NAND boards report `bad-blocks`. */
  nand: boolean;
  /** Ethernet ports besides the WAN port, and whether they have temperature sensors. */
  lanPorts: number;
  sensors: boolean;
}

const MIB = 1024 * 1024;

export const BOARDS: readonly Board[] = [
  {
    boardName: 'hAP ax^2',
    model: 'C52iG-5HaxD2HaxD',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    cpuFrequencyMhz: 864,
    totalMemory: 1024 * MIB,
    totalHdd: 128 * MIB,
    version: '7.20.5 (stable)',
    buildTime: '2025-11-27 08:17:04',
    factorySoftware: '7.5',
    firmwareType: 'ipq6000',
    nand: true,
    lanPorts: 4,
    sensors: true,
  },
  {
    boardName: 'hAP',
    model: 'RBD52G-5HacD2HnD',
    architecture: 'arm',
    cpu: 'ARM',
    cpuCount: 4,
    cpuFrequencyMhz: 672,
    totalMemory: 128 * MIB,
    totalHdd: 16 * MIB,
    version: '7.16 (stable)',
    buildTime: '2024-09-20 13:00:27',
    factorySoftware: '6.44',
    firmwareType: 'ipq4000L',
    nand: false,
    lanPorts: 4,
    sensors: false,
  },
  {
    boardName: 'CHR',
    model: undefined,
    architecture: 'x86_64',
    cpu: 'Common',
    cpuCount: 1,
    cpuFrequencyMhz: 2099,
    totalMemory: 1024 * MIB,
    totalHdd: 17_040_297_984,
    version: '7.19.4 (stable)',
    buildTime: '2025-07-28 10:00:16',
    factorySoftware: '7.1',
    firmwareType: undefined,
    nand: false,
    lanPorts: 1,
    sensors: false,
  },
  {
    boardName: 'RB5009UG+S+',
    model: 'RB5009UG+S+',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    cpuFrequencyMhz: 1400,
    totalMemory: 1024 * MIB,
    totalHdd: 1024 * MIB,
    version: '7.20.5 (stable)',
    buildTime: '2025-11-27 08:17:04',
    factorySoftware: '7.0.4',
    firmwareType: 'ARMADA-7040',
    nand: true,
    lanPorts: 7,
    sensors: true,
  },
  {
    boardName: 'CCR2004-16G-2S+',
    model: 'CCR2004-16G-2S+',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    cpuFrequencyMhz: 1700,
    totalMemory: 4096 * MIB,
    totalHdd: 128 * MIB,
    version: '7.19.4 (stable)',
    buildTime: '2025-07-28 10:00:16',
    factorySoftware: '6.46.4',
    firmwareType: 'al2',
    nand: true,
    lanPorts: 15,
    sensors: true,
  },
];

/** `7.20.5 (stable)` → [7, 20, 5]. */
export function versionParts(version: string): number[] {
  return (version.split(' ')[0] ?? '').split('.').map((p) => Number.parseInt(p, 10) || 0);
}

/** Whether `version` is at least major.minor. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = versionParts(version);
  return a > major || (a === major && b >= minor);
}
