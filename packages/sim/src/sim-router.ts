/**
 * One simulated RouterOS v7 router: its static facts, its wandering load and traffic, its
 * connection tables, and every record the REST menus return. Pure: time is an argument,
 * randomness comes from a generator seeded with the router's index.
 */
import { atLeast, BOARDS, type Board } from './boards.js';
import { ConnTable } from './conntrack.js';
import { between, mixSeed, type Rng, seededRng } from './prng.js';
import { rosDateTime, rosDuration, sortedRecord } from './ros-format.js';
import { pingRecords } from './ros-ping.js';
import type { RosRecord } from './ros-query.js';
import { cloud, ipAddresses, ipRoutes, ipv6Addresses, ipv6Routes, type NetworkFacts } from './sim-network.js';
import { buildPorts, interfaceRecords, monitorRecords, type Port } from './sim-ports.js';
import { SimExtended, type SimTables, sfpPortsOf } from './sim-extended.js';
import { ByteCounter, SmoothWalk } from './smooth-walk.js';

export interface SimRouterOptions {
  index: number;
  name: string;
  address: string;
  /** Entries in the IPv4 connection table; the IPv6 table holds a tenth of that. */
  conntrack: number;
  startMs: number;
  /** Sizes of the lease, client, session and interface tables (default: from the index). */
  tables?: SimTables;
}

const MBIT = 1_000_000;
const ZONES = [
  { offset: 60, text: '+01:00', name: 'Europe/Berlin' },
  { offset: 0, text: '+00:00', name: 'Etc/UTC' },
  { offset: 120, text: '+02:00', name: 'Europe/Helsinki' },
  { offset: -300, text: '-05:00', name: 'America/New_York' },
  { offset: 480, text: '+08:00', name: 'Asia/Shanghai' },
];

export class SimRouter {
  readonly name: string;
  readonly address: string;
  readonly board: Board;
  readonly conn4: ConnTable;
  readonly conn6: ConnTable;
  readonly net: NetworkFacts;
  private readonly bootMs: number;
  private readonly zone: (typeof ZONES)[number];
  private readonly rx: ByteCounter;
  private readonly tx: ByteCounter;
  private readonly cpu: SmoothWalk;
  private readonly memUsed: SmoothWalk;
  private readonly ports: Port[];
  private readonly pingRng: Rng;
  private readonly baseRttUs: number;
  private readonly index: number;
  /** The extended menus (health extras, ethernet, PPP, DHCP, wireless, WireGuard, updates). */
  readonly ext: SimExtended;

  constructor(options: SimRouterOptions) {
    const { index, startMs } = options;
    this.index = index;
    this.name = options.name;
    this.address = options.address;
    const rng = seededRng(mixSeed(0x51a1, index));
    this.board = BOARDS[index % BOARDS.length] as Board;
    // Every fifth router reaches the internet over PPPoE; every third one's cloud service
    // does not know its public address, so the bridge must find it another way.
    this.net = { index, pppoe: index % 5 === 4, cloudKnowsAddress: index % 3 !== 2, publicAddress: `203.0.113.${2 + (index % 250)}` };
    this.zone = ZONES[index % ZONES.length] as (typeof ZONES)[number];
    this.bootMs = startMs - Math.floor(between(rng, 3600, 90 * 86_400)) * 1000;
    const uptimeS = (startMs - this.bootMs) / 1000;

    const rxMean = between(rng, 10, 80) * MBIT;
    const txMean = between(rng, 2, 20) * MBIT;
    const rate = (mean: number) =>
      new SmoothWalk({ min: 1 * MBIT, max: 200 * MBIT, mean, pull: 0.01, push: 0.1, log: true }, seededRng(mixSeed(rng() * 2 ** 32)), startMs);
    this.rx = new ByteCounter(rate(rxMean), Math.floor(((uptimeS * rxMean) / 8) * between(rng, 0.4, 0.9)));
    this.tx = new ByteCounter(rate(txMean), Math.floor(((uptimeS * txMean) / 8) * between(rng, 0.4, 0.9)));
    this.cpu = new SmoothWalk(
      { min: 0, max: 100, mean: between(rng, 2, 35), pull: 0.03, push: 5, log: false },
      seededRng(mixSeed(rng() * 2 ** 32)),
      startMs,
    );
    this.memUsed = new SmoothWalk(
      { min: 0.15, max: 0.85, mean: between(rng, 0.25, 0.6), pull: 0.02, push: 0.02, log: false },
      seededRng(mixSeed(rng() * 2 ** 32)),
      startMs,
    );
    this.pingRng = seededRng(mixSeed(rng() * 2 ** 32));
    this.baseRttUs = Math.floor(between(rng, 2000, 40_000));
    this.ports = buildPorts(this.board, index, this.net.pppoe, sfpPortsOf(this.board), options.tables?.extraInterfaces ?? 0);
    this.ext = new SimExtended(this.board, index, this.ports, options.tables ?? {});
    this.conn4 = new ConnTable('ip', options.conntrack, mixSeed(index, 4), this.net.publicAddress);
    this.conn6 = new ConnTable('ipv6', Math.floor(options.conntrack / 10), mixSeed(index, 6), this.net.publicAddress);
  }

  uptimeS(nowMs: number): number {
    return Math.floor((nowMs - this.bootMs) / 1000);
  }

  resource(nowMs: number): RosRecord {
    const b = this.board;
    const used = Math.floor(b.totalMemory * this.memUsed.advanceTo(nowMs));
    const uptime = this.uptimeS(nowMs);
    return sortedRecord({
      'architecture-name': b.architecture,
      'bad-blocks': b.nand ? '0' : undefined,
      'board-name': b.boardName,
      'build-time': b.buildTime,
      cpu: b.cpu,
      'cpu-count': b.cpuCount,
      'cpu-frequency': b.cpuFrequencyMhz,
      'cpu-load': Math.round(this.cpu.advanceTo(nowMs)),
      'factory-software': b.factorySoftware,
      'free-hdd-space': Math.floor(b.totalHdd * 0.62),
      'free-memory': b.totalMemory - used,
      platform: 'MikroTik',
      'total-hdd-space': b.totalHdd,
      'total-memory': b.totalMemory,
      uptime: rosDuration(uptime),
      version: b.version,
      'write-sect-since-reboot': Math.floor(uptime / 40),
      'write-sect-total': 20_000 + Math.floor(uptime / 40) + this.index * 7,
    });
  }

  /** `/system/resource/cpu`: per-core load spread around the total. */
  resourceCpu(nowMs: number): RosRecord[] {
    const load = this.cpu.advanceTo(nowMs);
    const out: RosRecord[] = [];
    for (let i = 0; i < this.board.cpuCount; i++) {
      const core = Math.min(100, Math.max(0, Math.round(load * (0.6 + 0.8 * ((i * 7 + this.index) % 5) / 4))));
      out.push(sortedRecord({ '.id': `*${i}`, cpu: `cpu${i}`, disk: 0, irq: Math.round(core / 5), load: core }));
    }
    return out;
  }

  identity(): RosRecord {
    return { name: this.name };
  }

  routerboard(): RosRecord {
    const b = this.board;
    if (b.model === undefined) return { routerboard: 'false' };
    return sortedRecord({
      'board-name': b.boardName,
      'current-firmware': b.version.split(' ')[0],
      'factory-firmware': b.factorySoftware,
      'firmware-type': b.firmwareType,
      model: b.model,
      routerboard: 'true',
      'serial-number': `HG${(0x1a2b3c + this.index).toString(16).toUpperCase()}`,
      'upgrade-firmware': b.version.split(' ')[0],
    });
  }

  clock(nowMs: number): RosRecord {
    const [date, time] = rosDateTime(nowMs, this.zone.offset).split(' ');
    return sortedRecord({
      date,
      'dst-active': 'false',
      'gmt-offset': this.zone.text,
      time,
      'time-zone-autodetect': 'true',
      'time-zone-name': this.zone.name,
    });
  }

  health(nowMs: number): RosRecord[] {
    if (!this.board.sensors) return [];
    const t = 38 + Math.round(this.cpu.advanceTo(nowMs) / 8);
    return [
      sortedRecord({ '.id': '*D', name: 'cpu-temperature', type: 'C', value: t }),
      sortedRecord({ '.id': '*E', name: 'board-temperature1', type: 'C', value: t - 6 }),
      ...this.ext.healthExtras(nowMs),
    ];
  }

  interfaces(nowMs: number): RosRecord[] {
    return interfaceRecords(this.ports, this.rx.read(nowMs), this.tx.read(nowMs));
  }

  /** `/interface/monitor-traffic … once`: current rates, or the first unknown interface name. */
  monitorTraffic(names: string[], nowMs: number): RosRecord[] | string {
    return monitorRecords(this.ports, names, this.rx.bitsPerSecond(nowMs), this.tx.bitsPerSecond(nowMs));
  }

  ipAddresses(): RosRecord[] {
    return ipAddresses(this.net);
  }

  ipv6Addresses(): RosRecord[] {
    return ipv6Addresses(this.net);
  }

  ipRoutes(): RosRecord[] {
    return ipRoutes(this.net);
  }

  ipv6Routes(): RosRecord[] {
    return ipv6Routes(this.net);
  }

  cloud(): RosRecord {
    return cloud(this.net);
  }

  tracking(): RosRecord {
    const v720 = atLeast(this.board.version, 7, 20);
    return sortedRecord({
      'active-ipv4': 'yes',
      'active-ipv6': 'yes',
      enabled: 'auto',
      'generic-timeout': '10m',
      'icmp-timeout': '10s',
      'loose-tcp-tracking': 'true',
      'max-entries': 1_048_576,
      'tcp-close-timeout': '1m',
      'tcp-close-wait-timeout': '1m',
      'tcp-established-timeout': '1d',
      'tcp-fin-wait-timeout': '1m',
      'tcp-last-ack-timeout': '1m',
      'tcp-max-retrans-timeout': '5m',
      'tcp-syn-received-timeout': '5s',
      'tcp-syn-sent-timeout': '5s',
      'tcp-time-wait-timeout': '1m',
      'tcp-unacked-timeout': '5m',
      'total-entries': this.conn4.size + this.conn6.size,
      'total-ip4-entries': v720 ? this.conn4.size : undefined,
      'total-ip6-entries': v720 ? this.conn6.size : undefined,
      'udp-stream-timeout': '3m',
      'udp-timeout': '10s',
    });
  }

  /**
   * `/ping`: one record per probe with cumulative statistics, the last one the summary.
   * About 1 % of probes time out; those records carry `status` and no `time`/`ttl`.
   */
  ping(host: string, count: number, size: number): RosRecord[] {
    const base = host.startsWith('127.') || host === '::1' ? 30 : this.baseRttUs + (mixSeed(...[...host].map((c) => c.charCodeAt(0))) % 20_000);
    const echoes: (number | null)[] = [];
    for (let seq = 0; seq < count; seq++) {
      const lost = this.pingRng() < 0.01;
      const rtt = Math.round(base * (0.85 + this.pingRng() * 0.4));
      echoes.push(lost ? null : rtt);
    }
    return pingRecords(host, echoes, { size, ttl: host.startsWith('127.') ? 64 : 57 });
  }
}
