/**
 * The simulated router's REST menus: which path returns what, with `.proplist`, filters,
 * `…/print` with `.query` and `count-only`, `/ping` and `monitor-traffic … once`. Pure:
 * HTTP concerns (auth, content type, JSON parsing, timing) live in the server.
 */
import type { ConnTable } from './conntrack.js';
import { parseRosDurationMs } from './ros-format.js';
import { compileQuery, filterTest, parseProplist, pickProps, QueryError, type RecordTest, type RosRecord, singleEquality } from './ros-query.js';
import { COMMAND_LIMIT_MS, jsonReply, rosError, type SimReply, sessionClosed } from './ros-reply.js';
import type { SimRouter } from './sim-router.js';

export interface SimRequest {
  method: string;
  /** The path below `/rest/`, without leading or trailing slash: `ip/address`. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body of a POST; undefined when there was none. */
  body: Record<string, unknown> | undefined;
}

type Menu =
  | { kind: 'object'; get: (now: number) => RosRecord }
  | { kind: 'list'; get: (now: number) => RosRecord[] }
  | { kind: 'table'; table: ConnTable };

function menus(r: SimRouter): Map<string, Menu> {
  return new Map<string, Menu>([
    ['system/resource', { kind: 'object', get: (now) => r.resource(now) }],
    ['system/resource/cpu', { kind: 'list', get: (now) => r.resourceCpu(now) }],
    ['system/identity', { kind: 'object', get: () => r.identity() }],
    ['system/routerboard', { kind: 'object', get: () => r.routerboard() }],
    ['system/clock', { kind: 'object', get: (now) => r.clock(now) }],
    ['system/health', { kind: 'list', get: (now) => r.health(now) }],
    ['interface', { kind: 'list', get: (now) => r.interfaces(now) }],
    ['ip/address', { kind: 'list', get: () => r.ipAddresses() }],
    ['ipv6/address', { kind: 'list', get: () => r.ipv6Addresses() }],
    ['ip/route', { kind: 'list', get: () => r.ipRoutes() }],
    ['ipv6/route', { kind: 'list', get: () => r.ipv6Routes() }],
    ['ip/cloud', { kind: 'object', get: () => r.cloud() }],
    ['ip/firewall/connection', { kind: 'table', table: r.conn4 }],
    ['ipv6/firewall/connection', { kind: 'table', table: r.conn6 }],
    ['ip/firewall/connection/tracking', { kind: 'object', get: () => r.tracking() }],
    ...extendedMenus(r),
  ]);
}

/** The issue-15 menus; the wireless one only on boards with that package (elsewhere: no such command). */
function extendedMenus(r: SimRouter): [string, Menu][] {
  const x = r.ext;
  const out: [string, Menu][] = [
    ['interface/ethernet', { kind: 'list', get: () => x.ethernet() }],
    ['ppp/active', { kind: 'list', get: (now) => x.pppActive(now) }],
    ['ip/dhcp-server', { kind: 'list', get: () => x.dhcpServer() }],
    ['ip/dhcp-server/lease', { kind: 'list', get: (now) => x.dhcpLeases(now) }],
    ['interface/wireguard/peers', { kind: 'list', get: (now) => x.wireguardPeers(now) }],
    ['system/package/update', { kind: 'object', get: () => x.packageUpdate() }],
  ];
  if (x.wireless !== undefined) out.push([`interface/${x.wireless}/registration-table`, { kind: 'list', get: (now) => x.registrationTable(now) }]);
  return out;
}

/** Commands a read-only user may not run: the router refuses them for lack of the write policy. */
const WRITE_COMMANDS = new Set(['add', 'set', 'remove', 'enable', 'disable', 'reset-counters', 'reset-counters-all', 'unset', 'move', 'comment']);
const PRINT_ARGS = new Set(['.proplist', '.query', 'count-only']);
const PING_ARGS = new Set(['address', 'count', 'interval', 'size', 'src-address', 'interface', 'routing-table', 'ttl', 'do-not-fragment', 'arp-ping', 'dscp', 'vrf']);
const MONITOR_ARGS = new Set(['interface', 'once', 'duration', 'interval', 'aggregate', '.proplist']);
const ETHERNET_MONITOR_ARGS = new Set(['numbers', 'once', 'duration', 'interval', '.proplist']);

/** The router refuses an argument the command does not have. */
function unknownArgument(body: Record<string, unknown>, known: ReadonlySet<string>): SimReply | undefined {
  const extra = Object.keys(body).find((k) => !known.has(k));
  return extra === undefined ? undefined : rosError(400, `unknown parameter ${extra}`);
}

/** Answers one REST request for one router at time `nowMs`. */
export class RestApi {
  private readonly menus: Map<string, Menu>;

  constructor(private readonly router: SimRouter) {
    this.menus = menus(router);
  }

  handle(req: SimRequest, nowMs: number): SimReply {
    try {
      switch (req.method) {
        case 'GET':
          return this.get(req, nowMs);
        case 'POST':
          return this.post(req, nowMs);
        case 'PUT':
        case 'PATCH':
        case 'DELETE':
          return rosError(400, 'missing or invalid resource identifier');
        default:
          return rosError(400, `no such command or directory (${lastSegment(req.path)})`);
      }
    } catch (e) {
      if (e instanceof QueryError) return rosError(400, `invalid value for argument .query`);
      throw e;
    }
  }

  private get(req: SimRequest, now: number): SimReply {
    const proplist = parseProplist(req.query.get('.proplist') ?? undefined);
    const menu = this.menus.get(req.path);
    if (menu) {
      if (menu.kind === 'object') return jsonReply(pickProps(menu.get(now), proplist));
      const filters: Record<string, string> = {};
      for (const [k, v] of req.query) if (!k.startsWith('.')) filters[k] = v;
      // Current RouterOS always includes `.id` in list replies, `.proplist` or not.
      const props = proplist && !proplist.includes('.id') ? ['.id', ...proplist] : proplist;
      const test = filterTest(filters);
      if (menu.kind === 'table') return { kind: 'stream', chunks: menu.table.jsonChunks(test, props) };
      return jsonReply(menu.get(now).filter(test).map((rec) => pickProps(rec, props)));
    }
    // `GET /rest/<list>/<id or name>`: one record.
    const cut = req.path.lastIndexOf('/');
    const parent = this.menus.get(req.path.slice(0, cut));
    const key = req.path.slice(cut + 1);
    if (cut > 0 && parent && parent.kind !== 'object') {
      // Connection entries have no names: anything but a `*id` is an unknown command there.
      if (parent.kind === 'table' && !key.startsWith('*')) return rosError(400, `no such command or directory (${key})`);
      const rec = parent.kind === 'table' ? tableRecord(parent.table, key) : parent.get(now).find((r) => r['.id'] === key || r.name === key);
      return rec ? jsonReply(pickProps(rec, proplist)) : rosError(404);
    }
    return rosError(400, `no such command or directory (${lastSegment(req.path)})`);
  }

  private post(req: SimRequest, now: number): SimReply {
    const body = req.body ?? {};
    if (req.path === 'ping') return this.ping(body);
    if (req.path === 'interface/monitor-traffic') return this.monitorTraffic(body, now);
    if (req.path === 'interface/ethernet/monitor') return this.ethernetMonitor(body, now);
    const cut = req.path.lastIndexOf('/');
    const command = req.path.slice(cut + 1);
    const menu = cut > 0 ? this.menus.get(req.path.slice(0, cut)) : undefined;
    if (!menu) return rosError(400, `no such command or directory (${command})`);
    if (WRITE_COMMANDS.has(command)) return rosError(500, 'not enough permissions (9)');
    if (command !== 'print') return rosError(400, `no such command or directory (${command})`);
    const refused = unknownArgument(body, PRINT_ARGS);
    if (refused) return refused;
    const proplist = parseProplist(body['.proplist']);
    const countOnly = 'count-only' in body;
    const words = body['.query'];
    const test = compileQuery(words);
    if (menu.kind === 'object') return countOnly ? jsonReply({ ret: '1' }) : jsonReply([pickProps(menu.get(now), proplist)]);
    if (menu.kind === 'table') {
      if (countOnly) return jsonReply({ ret: String(countTable(menu.table, words, test)) });
      return { kind: 'stream', chunks: menu.table.jsonChunks(test, proplist) };
    }
    const rows = menu.get(now).filter(test);
    return countOnly ? jsonReply({ ret: String(rows.length) }) : jsonReply(rows.map((r) => pickProps(r, proplist)));
  }

  /** `/ping` blocks for its probes; without `count` it never ends, so the 60 s limit closes it. */
  private ping(body: Record<string, unknown>): SimReply {
    const refused = unknownArgument(body, PING_ARGS);
    if (refused) return refused;
    const address = body.address;
    if (typeof address !== 'string' || address === '') return rosError(400, 'missing value(s) of argument(s) address');
    if (body.count === undefined) return sessionClosed();
    const count = Number(body.count);
    if (!Number.isInteger(count) || count < 1) return rosError(400, 'invalid value for argument count');
    const intervalMs = body.interval === undefined ? 1000 : parseRosDurationMs(String(body.interval));
    if (intervalMs === undefined || intervalMs < 10) return rosError(400, 'invalid value for argument interval');
    const size = body.size === undefined ? 56 : Number(body.size);
    if (!Number.isInteger(size) || size < 14 || size > 65_535) return rosError(400, 'invalid value for argument size');
    const records = this.router.ping(address, count, size);
    const last = records.at(-1);
    // The last probe's reply (or its 1 s wait when it is lost) ends the command.
    const tailMs = last?.time === undefined ? 1000 : (parseRosDurationMs(last.time) ?? 0);
    const takesMs = (count - 1) * intervalMs + tailMs;
    if (takesMs > COMMAND_LIMIT_MS) return sessionClosed();
    return { kind: 'later', afterMs: takesMs, reply: () => jsonReply(records) };
  }

  /** `/interface/ethernet/monitor`: like monitor-traffic, bounded only by `once`; `numbers` names the ports. */
  private ethernetMonitor(body: Record<string, unknown>, now: number): SimReply {
    const refused = unknownArgument(body, ETHERNET_MONITOR_ARGS);
    if (refused) return refused;
    if (typeof body.numbers !== 'string' || body.numbers === '') return rosError(400, 'missing value(s) of argument(s) numbers');
    if (!('once' in body) || body.once === 'false') return sessionClosed();
    const rows = this.router.ext.monitor(body.numbers.split(','), now);
    if (typeof rows === 'string') return rosError(400, `no such item (${rows})`);
    const proplist = parseProplist(body['.proplist']);
    return jsonReply(rows.map((r) => pickProps(r, proplist)));
  }

  /** `monitor-traffic` runs until stopped unless `once` is given; `"once":"false"` does not count. */
  private monitorTraffic(body: Record<string, unknown>, now: number): SimReply {
    const refused = unknownArgument(body, MONITOR_ARGS);
    if (refused) return refused;
    if (typeof body.interface !== 'string' || body.interface === '') return rosError(400, 'missing value(s) of argument(s) interface');
    if (!('once' in body) || body.once === 'false') return sessionClosed();
    const rows = this.router.monitorTraffic(body.interface.split(','), now);
    if (typeof rows === 'string') return rosError(400, `no such item (${rows})`);
    const proplist = parseProplist(body['.proplist']);
    return jsonReply(rows.map((r) => pickProps(r, proplist)));
  }
}

function tableRecord(table: ConnTable, id: string): RosRecord | undefined {
  const i = table.indexOfId(id);
  return i === undefined ? undefined : table.entry(i);
}

/** Counts without generating entries when the query is a plain `protocol=x` (what the bridge sends). */
function countTable(table: ConnTable, words: unknown, test: RecordTest): number {
  const simple = singleEquality(words);
  if (simple === 'all') return table.size;
  if (simple?.name === 'protocol') return table.countProtocol(simple.value);
  return table.countWalking(test);
}

function lastSegment(path: string): string {
  return path.split('/').filter(Boolean).at(-1) ?? '';
}
