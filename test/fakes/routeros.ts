/**
 * A strict RouterOS v7 REST fake, as msw handlers to serve with `serveMsw`. Reply shapes follow
 * the real samples in test/fixtures/routeros: every value a string, absent fields absent,
 * `.proplist` honoured, query-string filters exact, Basic auth and user policies checked on
 * every request, RouterOS error bodies. Record selection (`.proplist`, filters, the `.query`
 * stack) is the simulator's own (packages/sim/src/ros-query.ts). Tests mutate `state` and inject faults per path.
 */
import { HttpResponse, http, type RequestHandler } from 'msw';
import { rosDurationUs } from '@tikprobe/sim/ros-format.js';
import { pingRecords } from '@tikprobe/sim/ros-ping.js';
import { compileQuery, filterTest, parseProplist, pickProps, QueryError } from '@tikprobe/sim/ros-query.js';
import { rosErrorBody } from '@tikprobe/sim/ros-reply.js';

export interface FakeInterface {
  id: string;
  name: string;
  type?: string;
  running?: boolean;
  disabled?: boolean;
  rxBytes: bigint;
  txBytes: bigint;
}

export interface FakeRoute {
  dst: string;
  gateway: string;
  /** `10.0.0.1%ether1`; absent for routes whose gateway is an interface. */
  immediateGw?: string;
  active: boolean;
  routingTable?: string;
}

export interface FakeAddress {
  /** CIDR, `10.0.0.2/24`. */
  address: string;
  interface: string;
  disabled?: boolean;
  invalid?: boolean;
}

export interface FakeUser {
  password: string;
  /** RouterOS policies: read, api, rest-api, test, … */
  policies: string[];
}

export interface FakeResource {
  uptimeS: number;
  version: string;
  cpuLoad: number;
  cpuCount: number;
  cpuFrequency: number;
  cpu: string;
  architecture: string;
  boardName: string;
  totalMemory: number;
  freeMemory: number;
  totalHdd: number;
  freeHdd: number;
}

export interface RouterFakeState {
  identity: string;
  resource: FakeResource;
  /** `/system/routerboard` reply; undefined: the menu answers like a CHR without hardware data. */
  routerboard: Record<string, string> | undefined;
  interfaces: FakeInterface[];
  routes: FakeRoute[];
  routes6: FakeRoute[];
  addresses: FakeAddress[];
  addresses6: FakeAddress[];
  /** `/ip/cloud`; undefined fields are absent from the reply. */
  cloud: { publicAddress?: string; publicAddress6?: string };
  conntrack: { tcp: number; udp: number; tcp6: number; udp6: number; other: number };
  /** 7.20+: tracking replies carry total-ip4-entries / total-ip6-entries. */
  trackingFamilyTotals: boolean;
  /**
   * How `POST …/connection/print` answers `count-only` with `.query`: `ok` → `{"ret":"n"}`;
   * `array` → the records (as if count-only were ignored); `unknown-parameter` → 400.
   */
  countOnly: 'ok' | 'array' | 'unknown-parameter';
  /** False: the IPv6 package is absent, every `ipv6/…` path is an unknown command. */
  ipv6: boolean;
  users: Record<string, FakeUser>;
  /** 7.1beta4: singleton menus answer a one-element array. */
  singletonAsArray: boolean;
  /** RTTs the `/ping` probes report, cycled; `undefined` entries are lost probes. */
  pingRttUs: (number | undefined)[];
  /**
   * Further menus (issue 15: system/health, ppp/active, …) as their GET reply: an array is a
   * list (printable, count-only), an object a singleton. `interface/ethernet/monitor` answers
   * `POST` with `once`. Absent menus answer "no such command", like a router without the package.
   */
  menus: Record<string, Rec | Rec[]>;
}

/** `timeout`: no reply until released; `stall`: a 200 head and the start of a body, then nothing until released. */
export type FaultKind = '401' | '500' | 'timeout' | 'stall' | 'malformed' | 'control-char' | 'html403' | 'reset';

export interface RouterFakeOptions {
  state?: Partial<RouterFakeState>;
  /** Awaited before each request is answered: a slow router, e.g. on a test's manual clock. */
  answerAfter?: () => Promise<void>;
}

export interface RouterFake {
  handlers: RequestHandler[];
  state: RouterFakeState;
  /** Makes `path` (`system/resource`, no `/rest`) fail with `kind` for `times` requests (default: until cleared). */
  fault(path: string, kind: FaultKind, times?: number): void;
  clearFaults(): void;
  /** Requests per `METHOD path` (no query), e.g. `GET ip/firewall/connection`. */
  counts: Map<string, number>;
  count(method: string, path: string): number;
  /** Resolves when a `timeout` fault has swallowed a request (the next one, or one already held). */
  nextHang(): Promise<void>;
  /** Answers every request held by a `timeout` fault with a 500, so nothing stays pending. */
  releaseHangs(): void;
}

export function defaultFakeState(): RouterFakeState {
  // hAP ax² on 7.20.5 (sample system_resource__hAP-ax2_arm64_7.20.5__miklink.json).
  return {
    identity: 'MikroTik',
    resource: {
      uptimeS: 4360,
      version: '7.20.5 (stable)',
      cpuLoad: 7,
      cpuCount: 4,
      cpuFrequency: 864,
      cpu: 'ARM64',
      architecture: 'arm64',
      boardName: 'hAP ax^2',
      totalMemory: 1073741824,
      freeMemory: 705699840,
      totalHdd: 134217728,
      freeHdd: 92979200,
    },
    routerboard: {
      'board-name': 'hAP ax^2',
      'current-firmware': '7.20.5',
      'factory-firmware': '7.5',
      'firmware-type': 'ipq6000',
      model: 'C52iG-5HaxD2HaxD',
      routerboard: 'true',
      'serial-number': 'HGX0AAAAAAA',
      'upgrade-firmware': '7.20.5',
    },
    interfaces: [
      { id: '*1', name: 'ether1', type: 'ether', running: true, rxBytes: 194632346152n, txBytes: 15355309685n },
      { id: '*2', name: 'ether2', type: 'ether', running: false, rxBytes: 0n, txBytes: 0n },
      { id: '*A', name: 'bridge', type: 'bridge', running: true, rxBytes: 5000n, txBytes: 7000n },
    ],
    routes: [{ dst: '0.0.0.0/0', gateway: '192.168.0.1', immediateGw: '192.168.0.1%ether1', active: true, routingTable: 'main' }],
    routes6: [],
    addresses: [
      { address: '192.168.0.252/24', interface: 'ether1' },
      { address: '172.29.0.254/24', interface: 'bridge' },
    ],
    addresses6: [{ address: 'fe80::5605:abff:fecd:1231/64', interface: 'ether1' }],
    cloud: {},
    conntrack: { tcp: 120, udp: 30, tcp6: 4, udp6: 2, other: 3 },
    trackingFamilyTotals: false,
    countOnly: 'ok',
    ipv6: true,
    users: { tikprobe: { password: 's3cret-pass', policies: ['read', 'api', 'rest-api', 'test'] } },
    singletonAsArray: false,
    pingRttUs: [453, 382, 650, 359],
    menus: {},
  };
}

type Rec = Record<string, string>;
type Reply = Response | Promise<Response>;

interface Fault {
  kind: FaultKind;
  left: number;
}

const json = (body: unknown, status = 200) =>
  new HttpResponse(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const routerError = (status: number, message: string, detail?: string) => {
  const body = rosErrorBody(status, detail);
  return json({ ...body, message }, status);
};

const noSuchCommand = (word: string) => routerError(400, 'Bad Request', `no such command or directory (${word})`);

/** RouterOS duration text for seconds (microsecond precision): the simulator's formatter. */
export function formatDuration(seconds: number): string {
  return rosDurationUs(seconds * 1e6);
}

const flag = (b: boolean | undefined) => (b ? 'true' : 'false');

export function createRouterFake(options: RouterFakeOptions = {}): RouterFake {
  const state: RouterFakeState = { ...defaultFakeState(), ...options.state };
  const faults = new Map<string, Fault>();
  const counts = new Map<string, number>();
  const hangs: ((r: Response) => void)[] = [];
  let hangWaiters: (() => void)[] = [];

  // ---- menus -------------------------------------------------------------------------

  const resourceRec = (): Rec => {
    const r = state.resource;
    return {
      'architecture-name': r.architecture,
      'board-name': r.boardName,
      'build-time': '2025-11-27 08:17:04',
      cpu: r.cpu,
      'cpu-count': String(r.cpuCount),
      'cpu-frequency': String(r.cpuFrequency),
      'cpu-load': String(r.cpuLoad),
      'factory-software': '7.5',
      'free-hdd-space': String(r.freeHdd),
      'free-memory': String(r.freeMemory),
      platform: 'MikroTik',
      'total-hdd-space': String(r.totalHdd),
      'total-memory': String(r.totalMemory),
      uptime: formatDuration(r.uptimeS),
      version: r.version,
      'write-sect-since-reboot': '23',
      'write-sect-total': '91274',
    };
  };

  const trackingRec = (): Rec => {
    const c = state.conntrack;
    const v4 = c.tcp + c.udp + c.other;
    const v6 = c.tcp6 + c.udp6;
    const rec: Rec = {
      'active-ipv4': 'yes',
      'active-ipv6': 'yes',
      enabled: 'auto',
      'generic-timeout': '10m',
      'max-entries': '1048576',
      'tcp-established-timeout': '1d',
      // Before 7.20 the IPv4 menu counts IPv4 entries only (the IPv6 menu has its own).
      'total-entries': String(state.trackingFamilyTotals ? v4 + v6 : v4),
      'udp-timeout': '10s',
    };
    if (state.trackingFamilyTotals) {
      rec['total-ip4-entries'] = String(v4);
      rec['total-ip6-entries'] = String(v6);
    }
    return rec;
  };

  const tracking6Rec = (): Rec => ({ 'total-entries': String(state.conntrack.tcp6 + state.conntrack.udp6) });

  const connectionRecs = (v6: boolean): Rec[] => {
    const c = state.conntrack;
    const out: Rec[] = [];
    const add = (protocol: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const id = out.length + 1;
        out.push({
          '.id': `*${id.toString(16).toUpperCase()}`,
          assured: 'true',
          'dst-address': v6 ? `2001:db8::1:443` : `166.166.166.166:443`,
          'orig-bytes': '22878',
          protocol,
          'repl-bytes': '29128',
          'src-address': v6 ? `2001:db8::2:${1024 + i}` : `10.10.10.252:${1024 + i}`,
          ...(protocol === 'tcp' ? { 'tcp-state': 'established' } : {}),
          timeout: '23h59m56s',
        });
      }
    };
    if (v6) {
      add('tcp', c.tcp6);
      add('udp', c.udp6);
    } else {
      add('tcp', c.tcp);
      add('udp', c.udp);
      add('icmp', c.other);
    }
    return out;
  };

  const interfaceRecs = (): Rec[] =>
    state.interfaces.map((i) => ({
      '.id': i.id,
      'default-name': i.name,
      disabled: flag(i.disabled),
      mtu: '1500',
      name: i.name,
      running: flag(i.running),
      'rx-byte': i.rxBytes.toString(),
      'rx-packet': '0',
      'tx-byte': i.txBytes.toString(),
      'tx-packet': '0',
      type: i.type ?? 'ether',
    }));

  const routeRecs = (routes: FakeRoute[]): Rec[] =>
    routes.map((r, n) => {
      const rec: Rec = {
        '.id': `*${8000 + n}`,
        active: flag(r.active),
        disabled: 'false',
        distance: '1',
        'dst-address': r.dst,
        dynamic: 'true',
        gateway: r.gateway,
        'routing-table': r.routingTable ?? 'main',
      };
      if (r.immediateGw !== undefined) rec['immediate-gw'] = r.immediateGw;
      return rec;
    });

  const addressRecs = (list: FakeAddress[], v6: boolean): Rec[] =>
    list.map((a, n) => {
      const rec: Rec = {
        '.id': `*${n + 1}`,
        'actual-interface': a.interface,
        address: a.address,
        disabled: flag(a.disabled),
        dynamic: 'false',
        interface: a.interface,
        invalid: flag(a.invalid),
      };
      if (v6) rec['link-local'] = flag(a.address.toLowerCase().startsWith('fe80:'));
      else rec.network = a.address.split('/')[0] ?? '';
      return rec;
    });

  const cloudRec = (): Rec => {
    const rec: Rec = { 'ddns-enabled': 'auto', 'ddns-update-interval': 'none', status: 'updated', 'update-time': 'true' };
    if (state.cloud.publicAddress !== undefined) rec['public-address'] = state.cloud.publicAddress;
    if (state.cloud.publicAddress6 !== undefined) rec['public-address-ipv6'] = state.cloud.publicAddress6;
    return rec;
  };

  /** `GET` menus: singletons answer an object, lists an array. */
  const singletons: Record<string, () => Rec> = {
    'system/resource': resourceRec,
    'system/identity': () => ({ name: state.identity }),
    'system/routerboard': () => state.routerboard ?? { routerboard: 'false' },
    'system/clock': () => ({ date: '2025-12-09', 'gmt-offset': '+01:00', time: '12:00:00', 'time-zone-name': 'Etc/GMT-1' }),
    'ip/cloud': cloudRec,
    'ip/firewall/connection/tracking': trackingRec,
    'ipv6/firewall/connection/tracking': tracking6Rec,
  };
  const lists: Record<string, () => Rec[]> = {
    interface: interfaceRecs,
    'ip/route': () => routeRecs(state.routes),
    'ipv6/route': () => routeRecs(state.routes6),
    'ip/address': () => addressRecs(state.addresses, false),
    'ipv6/address': () => addressRecs(state.addresses6, true),
    'ip/firewall/connection': () => connectionRecs(false),
    'ipv6/firewall/connection': () => connectionRecs(true),
  };

  // ---- helpers -----------------------------------------------------------------------

  const user = (request: Request): FakeUser | undefined => {
    const header = request.headers.get('authorization') ?? '';
    if (!header.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return undefined;
    const u = state.users[decoded.slice(0, colon)];
    return u && u.password === decoded.slice(colon + 1) ? u : undefined;
  };

  const unauthorized = () =>
    new HttpResponse(JSON.stringify({ error: 401, message: 'Unauthorized' }), {
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="rest"' },
    });

  const noPermission = () => routerError(500, 'Internal Server Error', 'not enough permissions (9)');

  const present = (path: string) => state.ipv6 || !path.startsWith('ipv6/');

  /** List replies keep `.id` under any `.proplist` (newer manual). */
  const withId = (proplist: string[] | undefined) => (proplist === undefined ? undefined : ['.id', ...proplist]);

  // ---- request handling ----------------------------------------------------------------

  const announceHang = (): void => {
    const waiters = hangWaiters;
    hangWaiters = [];
    for (const w of waiters) w();
  };

  const applyFault = (path: string): Reply | undefined => {
    const f = faults.get(path);
    if (!f || f.left <= 0) return undefined;
    f.left -= 1;
    switch (f.kind) {
      case '401':
        return unauthorized();
      case '500':
        return routerError(500, 'Internal Server Error', 'std failure: timeout (13)');
      case 'html403':
        return new HttpResponse('<html><head><title>Error 403: Forbidden</title></head><body>Forbidden</body></html>', {
          status: 403,
          headers: { 'content-type': 'text/html' },
        });
      case 'malformed':
        return new HttpResponse('{"name":"MikroTik",', { status: 200, headers: { 'content-type': 'application/json' } });
      case 'control-char':
        return new HttpResponse(`[{"host-name":"bad\u001bname","name":"${state.identity}"}]`, {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      case 'reset':
        return HttpResponse.error();
      case 'timeout':
        return new Promise<Response>((resolve) => {
          hangs.push(resolve);
          announceHang();
        });
      case 'stall': {
        let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            stream = controller;
            controller.enqueue(new TextEncoder().encode(`{"uptime":"1d2h",`));
          },
        });
        // Released: the body ends where it stopped (malformed JSON), as a cut reply would.
        hangs.push(() => stream?.close());
        announceHang();
        return new HttpResponse(body, { status: 200, headers: { 'content-type': 'application/json' } });
      }
    }
  };

  const handleGet = (path: string, url: URL): Response => {
    const proplist = parseProplist(url.searchParams.get('.proplist') ?? undefined);
    // Parameters starting with "." (.proplist, a misplaced .query) are not filters.
    const filters = filterTest(Object.fromEntries([...url.searchParams.entries()].filter(([k]) => !k.startsWith('.'))));
    const single = singletons[path] ?? extraSingle(path);
    if (single) {
      const body = pickProps(single(), proplist);
      return json(state.singletonAsArray ? [body] : body);
    }
    const list = lists[path] ?? extraList(path);
    if (list) return json(list().filter(filters).map((r) => pickProps(r, withId(proplist))));
    // `<menu>/<id or name>`: one record.
    const slash = path.lastIndexOf('/');
    const parent = lists[path.slice(0, slash)];
    if (parent) {
      const key = path.slice(slash + 1);
      const rec = parent().find((r) => r['.id'] === key || r.name === key);
      return rec ? json(pickProps(rec, withId(proplist))) : routerError(404, 'Not Found');
    }
    return noSuchCommand(path.split('/').at(-1) ?? path);
  };

  const extraList = (path: string): (() => Rec[]) | undefined => {
    const m = state.menus[path];
    return Array.isArray(m) ? () => m : undefined;
  };
  const extraSingle = (path: string): (() => Rec) | undefined => {
    const m = state.menus[path];
    return m !== undefined && !Array.isArray(m) ? () => m : undefined;
  };

  /** `/interface/ethernet/monitor`: needs `once` (else the 60 s limit), `numbers` selects ports. */
  const handleMonitor = (body: Record<string, unknown>): Response => {
    const ports = state.menus['interface/ethernet/monitor'];
    if (!Array.isArray(ports)) return noSuchCommand('monitor');
    if (!('once' in body) || body.once === 'false') return routerError(400, 'Bad Request', 'Session closed');
    const names = typeof body.numbers === 'string' ? body.numbers.split(',') : [];
    const picked = ports.filter((p) => names.includes(p.name ?? ''));
    if (picked.length !== names.length) return routerError(400, 'Bad Request', 'no such item');
    return json(picked.map((r) => pickProps(r, parseProplist(body['.proplist']))));
  };

  const handlePrint = (menu: string, body: Record<string, unknown>): Response => {
    const list = lists[menu] ?? extraList(menu);
    if (!list) return noSuchCommand('print');
    const query = body['.query'];
    const words: unknown[] | undefined = query === undefined ? [] : Array.isArray(query) ? query : undefined;
    if (words === undefined) return routerError(400, 'Bad Request', 'invalid value for argument .query');
    const isConnection = menu.endsWith('firewall/connection');
    const countOnly = 'count-only' in body;
    if (isConnection && countOnly && words.length > 0 && state.countOnly === 'unknown-parameter') {
      return routerError(400, 'Bad Request', 'unknown parameter count-only');
    }
    let selected: Rec[];
    try {
      selected = list().filter(compileQuery(words));
    } catch (err) {
      if (err instanceof QueryError) return routerError(400, 'Bad Request', 'invalid query');
      throw err;
    }
    if (countOnly && !(isConnection && words.length > 0 && state.countOnly === 'array')) {
      return json({ ret: String(selected.length) });
    }
    return json(selected.map((r) => pickProps(r, withId(parseProplist(body['.proplist'])))));
  };

  const handlePing = (body: Record<string, unknown>): Response => {
    if (body.count === undefined) return routerError(400, 'Bad Request', 'Session closed');
    const count = Number(body.count);
    const host = String(body.address ?? '');
    if (!Number.isInteger(count) || count < 1) return routerError(400, 'Bad Request', 'invalid value for argument count');
    const echoes = Array.from({ length: count }, (_, seq) => (state.pingRttUs.length === 0 ? null : (state.pingRttUs[seq % state.pingRttUs.length] ?? null)));
    return json(pingRecords(host, echoes));
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/rest/')) return new HttpResponse('<html>Not Found</html>', { status: 404 });
    const segments = url.pathname
      .slice('/rest/'.length)
      .split('/')
      .filter((s) => s !== '');
    const path = segments.map((s) => decodeURIComponent(s)).join('/');
    const key = `${request.method} ${path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (options.answerAfter !== undefined) await options.answerAfter();

    const fault = applyFault(path);
    if (fault !== undefined) return fault;

    const u = user(request);
    if (!u?.policies.includes('rest-api')) return unauthorized();
    if (!u.policies.includes('api')) return routerError(500, 'Internal Server Error', 'std failure: not allowed (9)');
    if (!present(path)) return noSuchCommand(path.split('/')[0] ?? path);
    // Ids are matched literally: `*1` sent as `%2A1` is not an id.
    if (segments.some((s) => /%2a/i.test(s))) return routerError(400, 'Bad Request', 'no such command prefix');

    if (request.method === 'GET') {
      if (!u.policies.includes('read')) return noPermission();
      return handleGet(path, url);
    }
    if (request.method !== 'POST') return noSuchCommand(path.split('/').at(-1) ?? path);
    if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) {
      return routerError(415, 'Unsupported Media Type');
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await request.text());
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return routerError(400, 'Bad Request', 'Failed to parse json');
    }
    if (path === 'ping') {
      if (!u.policies.includes('test')) return noPermission();
      return handlePing(body);
    }
    if (path === 'interface/ethernet/monitor') {
      if (!u.policies.includes('read')) return noPermission();
      return handleMonitor(body);
    }
    if (path.endsWith('/print')) {
      if (!u.policies.includes('read')) return noPermission();
      return handlePrint(path.slice(0, -'/print'.length), body);
    }
    return noSuchCommand(path.split('/').at(-1) ?? path);
  };

  return {
    handlers: [http.all('*', ({ request }) => handle(request))],
    state,
    fault(path, kind, times = Number.POSITIVE_INFINITY) {
      faults.set(path.replace(/^\/+/, ''), { kind, left: times });
    },
    clearFaults() {
      faults.clear();
    },
    counts,
    count: (method, path) => counts.get(`${method} ${path.replace(/^\/+/, '')}`) ?? 0,
    nextHang() {
      return new Promise<void>((resolve) => {
        if (hangs.length > 0) resolve();
        else hangWaiters.push(resolve);
      });
    },
    releaseHangs() {
      for (const resolve of hangs.splice(0)) resolve(routerError(500, 'Internal Server Error', 'released'));
    },
  };
}
