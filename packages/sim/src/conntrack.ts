/**
 * A simulated connection-tracking table that is never held in memory: entry `i` is
 * computed from the table's seed when it is needed, so `GET /rest/ip/firewall/connection`
 * can stream 100 000 entries (~28 string fields each, as a hAP ac² on 7.16 sends them)
 * without building 100 000 objects. Pure.
 *
 * Protocols repeat in a fixed pattern of 20 (14 tcp, 5 udp, 1 icmp), so per-protocol counts
 * are arithmetic; the real router walks its table for each count, which is the cost the
 * bridge is meant to avoid and the benchmarks describe.
 */
import { mixSeed, seededRng } from './prng.js';
import type { RecordTest, RosRecord } from './ros-query.js';
import { pickProps } from './ros-query.js';
import { rosDuration } from './ros-format.js';

export type Family = 'ip' | 'ipv6';

const PATTERN = 20;
const TCP_SLOTS = 14;
const UDP_SLOTS = 5;
/** Entries serialised per streamed chunk: big enough to be cheap, small enough to keep memory flat. */
const CHUNK_ENTRIES = 256;
const FIRST_ID = 0x1000;

const TCP_STATES = ['established', 'established', 'established', 'established', 'time-wait', 'syn-sent', 'fin-wait', 'close-wait'];
const TCP_PORTS = [443, 443, 443, 443, 80, 993, 22, 5223, 8443, 3478];
const UDP_PORTS = [53, 443, 123, 3478, 51820, 5353];

export class ConnTable {
  constructor(
    readonly family: Family,
    readonly size: number,
    private readonly seed: number,
    /** The router's public address: what source NAT rewrites LAN clients to. */
    private readonly natAddress: string,
  ) {}

  /** The protocol of entry `i`. */
  protocolOf(i: number): string {
    const slot = i % PATTERN;
    if (slot < TCP_SLOTS) return 'tcp';
    if (slot < TCP_SLOTS + UDP_SLOTS) return 'udp';
    return this.family === 'ip' ? 'icmp' : 'icmpv6';
  }

  /** How many entries have this protocol, without walking the table. */
  countProtocol(protocol: string): number {
    const slots = protocol === 'tcp' ? TCP_SLOTS : protocol === 'udp' ? UDP_SLOTS : protocol === this.protocolOf(PATTERN - 1) ? 1 : 0;
    if (slots === 0) return 0;
    const full = Math.floor(this.size / PATTERN) * slots;
    let rest = 0;
    for (let i = Math.floor(this.size / PATTERN) * PATTERN; i < this.size; i++) if (this.protocolOf(i) === protocol) rest++;
    return full + rest;
  }

  /** Index of the entry with this `.id`, or undefined. */
  indexOfId(id: string): number | undefined {
    if (!/^\*[0-9A-F]+$/.test(id)) return undefined;
    const i = Number.parseInt(id.slice(1), 16) - FIRST_ID;
    return i >= 0 && i < this.size ? i : undefined;
  }

  /** Entry `i` with every field, keys in the router's (alphabetical) order. */
  entry(i: number): RosRecord {
    const rng = seededRng(mixSeed(this.seed, i));
    const protocol = this.protocolOf(i);
    const lanHost = 2 + Math.floor(rng() * 250);
    const srcPort = 32768 + Math.floor(rng() * 28000);
    const remote = this.remoteHost(rng);
    const id = `*${(FIRST_ID + i).toString(16).toUpperCase()}`;
    if (protocol === 'icmp' || protocol === 'icmpv6') return this.icmpEntry(id, protocol, lanHost, remote, rng);
    const tcp = protocol === 'tcp';
    const ports = tcp ? TCP_PORTS : UDP_PORTS;
    const dstPort = ports[Math.floor(rng() * ports.length)] as number;
    const origPackets = 1 + Math.floor(rng() ** 3 * 200_000);
    const replPackets = Math.floor(origPackets * (0.5 + rng()));
    const origBytes = origPackets * (60 + Math.floor(rng() * 400));
    const replBytes = replPackets * (60 + Math.floor(rng() * 1400));
    const state = tcp ? (TCP_STATES[Math.floor(rng() * TCP_STATES.length)] as string) : undefined;
    const seenReply = replPackets > 0;
    const timeoutS = tcp ? (state === 'established' ? 86_400 - Math.floor(rng() * 3600) : Math.floor(rng() * 120)) : Math.floor(rng() * 180);
    const src = this.endpoint(this.lanAddress(lanHost), srcPort);
    const dst = this.endpoint(remote, dstPort);
    const natted = this.family === 'ip';
    const record: Record<string, string> = {
      '.id': id,
      assured: String(seenReply && (!tcp || state === 'established')),
      confirmed: 'true',
      'dst-address': dst,
      dstnat: 'false',
      dying: 'false',
      expected: 'false',
      fasttrack: 'false',
      'hw-offload': 'false',
      'orig-bytes': String(origBytes),
      'orig-fasttrack-bytes': '0',
      'orig-fasttrack-packets': '0',
      'orig-packets': String(origPackets),
      'orig-rate': String(Math.floor(rng() ** 4 * 2_000_000)),
      protocol,
      'repl-bytes': String(replBytes),
      'repl-fasttrack-bytes': '0',
      'repl-fasttrack-packets': '0',
      'repl-packets': String(replPackets),
      'repl-rate': String(Math.floor(rng() ** 4 * 20_000_000)),
      'reply-dst-address': natted ? this.endpoint(this.natAddress, srcPort) : src,
      'reply-src-address': dst,
      'seen-reply': String(seenReply),
      'src-address': src,
      srcnat: String(natted),
    };
    if (state !== undefined) record['tcp-state'] = state;
    record.timeout = rosDuration(timeoutS);
    return record;
  }

  /**
   * The JSON array of every entry passing `test`, with `.proplist` applied, as a sequence
   * of string chunks that together form the whole body.
   */
  *jsonChunks(test: RecordTest, proplist: readonly string[] | undefined): Generator<string> {
    let first = true;
    let buffer = '[';
    let inBuffer = 0;
    for (let i = 0; i < this.size; i++) {
      const e = this.entry(i);
      if (!test(e)) continue;
      buffer += (first ? '' : ',') + JSON.stringify(pickProps(e, proplist));
      first = false;
      if (++inBuffer === CHUNK_ENTRIES) {
        yield buffer;
        buffer = '';
        inBuffer = 0;
      }
    }
    yield `${buffer}]`;
  }

  /** How many entries pass `test`, walking the table as the router would. */
  countWalking(test: RecordTest): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (test(this.entry(i))) n++;
    return n;
  }

  private icmpEntry(id: string, protocol: string, lanHost: number, remote: string, rng: () => number): RosRecord {
    const src = this.lanAddress(lanHost);
    const natted = this.family === 'ip';
    return {
      '.id': id,
      assured: 'false',
      confirmed: 'true',
      'dst-address': remote,
      dstnat: 'false',
      dying: 'false',
      expected: 'false',
      fasttrack: 'false',
      'hw-offload': 'false',
      'icmp-code': '0',
      'icmp-id': String(Math.floor(rng() * 65_536)),
      'icmp-type': protocol === 'icmp' ? '8' : '128',
      'orig-bytes': '84',
      'orig-packets': '1',
      protocol,
      'repl-bytes': '84',
      'repl-packets': '1',
      'reply-dst-address': natted ? this.natAddress : src,
      'reply-src-address': remote,
      'seen-reply': 'true',
      'src-address': src,
      srcnat: String(natted),
      timeout: rosDuration(Math.floor(rng() * 10)),
    };
  }

  private lanAddress(host: number): string {
    return this.family === 'ip' ? `192.168.88.${host}` : `2001:db8:88::${host.toString(16)}`;
  }

  private remoteHost(rng: () => number): string {
    const a = Math.floor(rng() * 256);
    const b = 1 + Math.floor(rng() * 254);
    // Documentation ranges stand in for the internet.
    return this.family === 'ip' ? `198.51.100.${b}` : `2001:db8:ffff::${a.toString(16)}:${b.toString(16)}`;
  }

  private endpoint(address: string, port: number): string {
    return this.family === 'ip' ? `${address}:${port}` : `[${address}]:${port}`;
  }
}
