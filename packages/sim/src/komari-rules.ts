/**
 * The Komari server's validation of what a bridge sends, as a pure module shared by the
 * strict test fake and the built-in demo receiver. It answers what Komari HEAD answers
 * (status and body, per the protocol notes), and is stricter in two ways that only ever
 * refuse our own bugs:
 * - `violation` names a payload the real server would take silently but that is wrong for
 *   tikprobe (a `uuid` or `token` in a body, an admin column in basic info, a fraction in a
 *   basic-info integer); such payloads are refused so a test cannot miss them;
 * - ping results are checked against the union of the versions' rules (`task_id` > 0 and an
 *   RFC 3339 `finished_at` are required, as on 1.1.8–1.2.3).
 */
import { isIntegerLiteral, parseRawJson, type RawJson, toPlain } from './json-literals.js';

export type KomariVerdict = { ok: true; value: unknown } | { ok: false; status: number; body: string; violation?: string };
export type KomariMode = 'head' | '1.1.8';

const json = (value: unknown) => JSON.stringify(value);

// ---------------------------------------------------------------------------------------
// POST /api/clients/report

const INT: GoType = { kind: 'int' };
const FLOAT: GoType = { kind: 'float' };
const STRING: GoType = { kind: 'string' };
const pair = (a: string, b: string): GoType => ({ kind: 'struct', fields: { [a]: INT, [b]: INT } });

/** Komari's v1 `Report`, with the JSON names and Go kinds of its fields. */
const REPORT: GoType & { kind: 'struct' } = {
  kind: 'struct',
  fields: {
    cpu: { kind: 'struct', fields: { name: STRING, cores: INT, arch: STRING, usage: FLOAT } },
    ram: pair('total', 'used'),
    swap: pair('total', 'used'),
    load: { kind: 'struct', fields: { load1: FLOAT, load5: FLOAT, load15: FLOAT } },
    disk: pair('total', 'used'),
    network: { kind: 'struct', fields: { up: INT, down: INT, totalUp: INT, totalDown: INT } },
    connections: { kind: 'struct', fields: { tcp: INT, udp: INT } },
    gpu: {
      kind: 'struct',
      optional: true,
      fields: {
        count: INT,
        average_usage: FLOAT,
        detailed_info: {
          kind: 'slice',
          of: { kind: 'struct', fields: { name: STRING, memory_total: INT, memory_used: INT, utilization: FLOAT, temperature: INT } },
        },
      },
    },
    uptime: INT,
    process: INT,
    message: STRING,
    method: STRING,
    // `updated_at` (a time.Time) is left out: checkReport refuses any report carrying it.
  },
};

const INVALID_REPORT = json({ error: 'Invalid request body' });

/** Komari HEAD's handling of a report body: Go decoding (400), then the synchronous checks (500). */
export function checkReport(rawBody: string): KomariVerdict {
  const parsed = parseRawJson(rawBody);
  if (!parsed.ok) return { ok: false, status: 400, body: INVALID_REPORT };
  const root = parsed.value;
  const violation = forbiddenBodyKey(root, 'report');
  if (violation) return refuse(violation);
  if (root.kind === 'object' && root.entries.some((e) => goFold(e.key) === 'updated_at')) {
    return refuse('a report must not carry "updated_at" (the server sets it)');
  }
  const decoded = root.kind === 'null' ? goDecode({ kind: 'object', entries: [] }, REPORT, 'Report') : goDecode(root, REPORT, 'Report');
  if (!decoded.ok) return { ok: false, status: 400, body: INVALID_REPORT };
  const problem = reportProblem(decoded.value as DecodedReport);
  if (problem) return { ok: false, status: 500, body: json({ error: problem }) };
  return { ok: true, value: decoded.value };
}

interface DecodedReport {
  cpu: { usage: number };
  ram: { total: number; used: number };
  swap: { total: number; used: number };
  load: { load1: number };
  disk: { total: number; used: number };
  network: { up: number; down: number; totalUp: number; totalDown: number };
  connections: { tcp: number; udp: number };
  process: number;
}

/** The first synchronous validation failure, with Komari's message text. */
function reportProblem(r: DecodedReport): string | undefined {
  if (r.cpu.usage < 0 || r.cpu.usage > 100) return 'CPU.Usage must be between 0 and 100';
  if (r.load.load1 < 0 || r.load.load1 > 1000) return `Load.Load1 must be non-negative, got ${r.load.load1.toFixed(2)}`;
  const sizes: [string, number][] = [
    ['Ram.Total', r.ram.total],
    ['Ram.Used', r.ram.used],
    ['Swap.Total', r.swap.total],
    ['Swap.Used', r.swap.used],
    ['Disk.Total', r.disk.total],
    ['Disk.Used', r.disk.used],
    ['Network.Up', r.network.up],
    ['Network.Down', r.network.down],
    ['Network.TotalUp', r.network.totalUp],
    ['Network.TotalDown', r.network.totalDown],
  ];
  for (const [name, v] of sizes) if (v < 0) return `${name} must be non-negative, got ${v}`;
  const counts: [string, number][] = [
    ['Process', r.process],
    ['Connections.TCP', r.connections.tcp],
    ['Connections.UDP', r.connections.udp],
  ];
  for (const [name, v] of counts) if (v < 0) return `${name} must be non-negative: ${v}`;
  return undefined;
}

/** A `uuid` would redirect the write to another node; a `token` belongs in the query only. */
function forbiddenBodyKey(root: RawJson, what: string): string | undefined {
  if (root.kind !== 'object') return undefined;
  for (const e of root.entries) {
    const k = goFold(e.key);
    if (k === 'uuid') return `a ${what} body must never carry "uuid" (the server would write into that node)`;
    if (k === 'token') return `a ${what} body must never carry "token" (it belongs in ?token= only)`;
  }
  return undefined;
}

function refuse(violation: string): KomariVerdict {
  return { ok: false, status: 400, body: json({ error: `refused by the strict checker: ${violation}` }), violation };
}

// ---------------------------------------------------------------------------------------
// POST /api/clients/uploadBasicInfo

const BASIC_STRINGS = new Set(['cpu_name', 'arch', 'os', 'kernel_version', 'gpu_name', 'virtualization', 'ipv4', 'ipv6', 'version', 'region']);
const BASIC_INTEGERS = new Set(['cpu_cores', 'cpu_physical_cores', 'mem_total', 'swap_total', 'disk_total']);
/** Mandatory on < 1.2.1: without them the handler panics and answers 500 with no body. */
const MANDATORY_BEFORE_121 = ['cpu_cores', 'mem_total', 'swap_total', 'disk_total'];
/** Columns the admin owns: the real server would overwrite them. */
const ADMIN_COLUMNS = new Set([
  'uuid',
  'token',
  'name',
  'hidden',
  'group',
  'tags',
  'weight',
  'price',
  'billing_cycle',
  'currency',
  'auto_renewal',
  'remark',
  'public_remark',
  'expired_at',
  'traffic_limit',
  'traffic_limit_type',
  'created_at',
  'updated_at',
]);
// The SQL update's error is lost in serialisation: the real body is typically `{}` in an envelope.
const BASIC_UPDATE_FAILED = json({ status: 'error', error: {} });

/** Komari's handling of a basic-info body: the map goes straight into an SQL UPDATE of the node. */
export function checkBasicInfo(rawBody: string, mode: KomariMode): KomariVerdict {
  const parsed = parseRawJson(rawBody);
  if (!parsed.ok || parsed.value.kind !== 'object') {
    return { ok: false, status: 400, body: json({ status: 'error', error: 'Invalid or missing data' }) };
  }
  const failed = (violation?: string): KomariVerdict =>
    violation === undefined ? { ok: false, status: 500, body: BASIC_UPDATE_FAILED } : { ok: false, status: 500, body: BASIC_UPDATE_FAILED, violation };
  for (const { key, value } of parsed.value.entries) {
    if (ADMIN_COLUMNS.has(key.toLowerCase())) return failed(`basic info must never carry the admin column "${key}"`);
    if (key === 'cpu_physical_cores' && mode === '1.1.8') return failed();
    const isString = BASIC_STRINGS.has(key);
    if (!isString && !BASIC_INTEGERS.has(key)) return failed(); // unknown column: the whole update fails
    if (value.kind === 'object' || value.kind === 'array') return failed();
    if (isString) {
      if (value.kind !== 'string') return failed(`basic info "${key}" must be a string`);
      continue;
    }
    if (value.kind !== 'number') return failed(`basic info "${key}" must be a number`);
    if (Number(value.raw) < 0) return failed();
    if (!isIntegerLiteral(value.raw)) return failed(`basic info "${key}" must be an integer literal, got ${value.raw}`);
  }
  if (mode === '1.1.8') {
    const keys = new Set(parsed.value.entries.map((e) => e.key));
    if (MANDATORY_BEFORE_121.some((k) => !keys.has(k))) return { ok: false, status: 500, body: '' };
  }
  return { ok: true, value: toPlain(parsed.value) };
}

// ---------------------------------------------------------------------------------------
// POST /api/clients/ping/result

const PING_RESULT: GoType & { kind: 'struct' } = {
  kind: 'struct',
  fields: { task_id: { kind: 'uint' }, value: { kind: 'int', name: 'int' }, ping_type: STRING, finished_at: STRING },
};

const pingError = (status: number, message: string): KomariVerdict => ({ ok: false, status, body: json({ status: 'error', message }) });

/** A ping result, checked against every supported version's rules at once. */
export function checkPingResult(rawBody: string): KomariVerdict {
  const parsed = parseRawJson(rawBody);
  if (!parsed.ok) return pingError(400, 'Invalid or missing request body');
  const violation = forbiddenBodyKey(parsed.value, 'ping result');
  if (violation) return refuse(violation);
  const root: RawJson = parsed.value.kind === 'null' ? { kind: 'object', entries: [] } : parsed.value;
  const decoded = goDecode(root, PING_RESULT, '');
  if (!decoded.ok) return pingError(400, `Invalid request: ${decoded.message}`);
  const r = decoded.value as { task_id: number; value: number; ping_type: string; finished_at: string };
  if (r.task_id <= 0) return pingError(400, 'Invalid request: task_id must be greater than 0');
  if (!isRfc3339(r.finished_at)) return pingError(400, `Invalid request: finished_at ${JSON.stringify(r.finished_at)} is not RFC 3339 with an offset`);
  return { ok: true, value: r };
}

// ---------------------------------------------------------------------------------------
// Go `encoding/json`, modelled: what Komari's decoder accepts for each field kind.
//
// - keys match field names exactly first, then case-insensitively (Go's simple folding);
// - unknown keys are ignored; `null` leaves a field at its zero value;
// - an integer field takes only an integer literal in range (`12.0`, `1e3` fail);
// - a float field takes any literal that fits a float64; any other type mismatch fails.

type GoType =
  | { kind: 'int'; name?: string }
  | { kind: 'uint' }
  | { kind: 'float' }
  | { kind: 'string' }
  | { kind: 'struct'; fields: Record<string, GoType>; optional?: boolean }
  | { kind: 'slice'; of: GoType };

type GoDecode = { ok: true; value: unknown } | { ok: false; message: string; field: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

class DecodeFailure extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function goDecode(node: RawJson, type: GoType & { kind: 'struct' }, structName: string): GoDecode {
  try {
    return { ok: true, value: decodeStruct(node, type, structName, '', zeroOf(type) as Record<string, unknown>) };
  } catch (err) {
    if (err instanceof DecodeFailure) return { ok: false, message: err.message, field: err.field };
    throw err;
  }
}

/** Go's case folding for key matching: lower case plus the two non-ASCII folds of ASCII letters. */
function goFold(s: string): string {
  return s.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase();
}

/** True when a test like Go's `time.Parse(time.RFC3339, s)` would accept `s`. */
function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [date, time] = s.split('T') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, sec] = time.slice(0, 8).split(':').map(Number) as [number, number, number];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > days) return false;
  const zone = m[2] ?? 'Z';
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return false;
  return true;
}

function zeroOf(type: GoType): unknown {
  switch (type.kind) {
    case 'int':
    case 'uint':
    case 'float':
      return 0;
    case 'string':
      return '';
    case 'slice':
      return [];
    case 'struct': {
      if (type.optional) return null;
      const out: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(type.fields)) out[name] = zeroOf(t);
      return out;
    }
  }
}

function fieldFor(key: string, fields: Record<string, GoType>): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  const folded = goFold(key);
  return Object.keys(fields).find((name) => goFold(name) === folded);
}

function typeError(what: string, path: string, structName: string, goType: string): DecodeFailure {
  return new DecodeFailure(`json: cannot unmarshal ${what} into Go struct field ${structName}.${path} of type ${goType}`, path);
}

function goTypeName(type: GoType): string {
  switch (type.kind) {
    case 'int':
      return type.name ?? 'int64';
    case 'uint':
      return 'uint';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'slice':
      return `[]${goTypeName(type.of)}`;
    case 'struct':
      return 'struct';
  }
}

function describe(node: RawJson): string {
  switch (node.kind) {
    case 'number':
      return `number ${node.raw}`;
    case 'boolean':
      return 'bool';
    default:
      return node.kind;
  }
}

function decodeStruct(
  node: RawJson,
  type: GoType & { kind: 'struct' },
  structName: string,
  path: string,
  into: Record<string, unknown>,
): Record<string, unknown> {
  if (node.kind !== 'object') throw typeError(describe(node), path, structName, 'struct');
  for (const entry of node.entries) {
    const name = fieldFor(entry.key, type.fields);
    if (name === undefined) continue;
    const fieldType = type.fields[name] as GoType;
    into[name] = decodeValue(entry.value, fieldType, structName, path === '' ? name : `${path}.${name}`, into[name]);
  }
  return into;
}

function decodeValue(node: RawJson, type: GoType, structName: string, path: string, current: unknown): unknown {
  // null is a no-op for every non-pointer Go type; an optional (pointer) struct becomes nil.
  if (node.kind === 'null') return type.kind === 'struct' && type.optional ? null : current;
  switch (type.kind) {
    case 'int':
    case 'uint':
      return decodeInteger(node, type, structName, path);
    case 'float': {
      if (node.kind !== 'number') throw typeError(describe(node), path, structName, 'float64');
      const n = Number(node.raw);
      if (!Number.isFinite(n)) throw typeError(describe(node), path, structName, 'float64');
      return n;
    }
    case 'string':
      if (node.kind !== 'string') throw typeError(describe(node), path, structName, 'string');
      return node.value;
    case 'slice': {
      if (node.kind !== 'array') throw typeError(describe(node), path, structName, goTypeName(type));
      return node.items.map((item, i) => decodeValue(item, type.of, structName, `${path}[${i}]`, zeroOf(type.of)));
    }
    case 'struct': {
      // Go decodes a repeated key into the same struct, so earlier fields survive.
      const base = current !== null && typeof current === 'object' ? (current as Record<string, unknown>) : (zeroOf({ ...type, optional: false }) as Record<string, unknown>);
      return decodeStruct(node, type, structName, path, base);
    }
  }
}

function decodeInteger(node: RawJson, type: GoType & { kind: 'int' | 'uint' }, structName: string, path: string): number {
  const kind = type.kind;
  const goType = goTypeName(type);
  if (node.kind !== 'number') throw typeError(describe(node), path, structName, goType);
  // Go parses the literal with ParseInt/ParseUint: any fraction or exponent is refused, and
  // ParseUint refuses any sign (even `-0`).
  if (!isIntegerLiteral(node.raw) || (kind === 'uint' && node.raw.startsWith('-'))) throw typeError(describe(node), path, structName, goType);
  const big = BigInt(node.raw);
  const [min, max] = kind === 'int' ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
  if (big < min || big > max) throw typeError(describe(node), path, structName, goType);
  return Number(big);
}
