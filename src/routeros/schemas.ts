/**
 * RouterOS reply bodies → model types. Pure.
 *
 * What the router sends: every value is a JSON string; a property that does not apply is
 * absent (so every field is optional here, and only the ones a model cannot do without are
 * demanded); extra properties are normal and ignored; singleton menus came as a one-element
 * array on 7.1beta4 and as an object since. Anything else throws `ROUTER_MALFORMED` naming
 * the menu and the field.
 */
import { RouterError } from '../errors.js';
import type { InterfaceCounter, Resource, Routerboard } from '../model.js';
import { addressWithoutPrefix } from './address.js';
import { parseRouterDuration } from './duration.js';

type Rec = Record<string, unknown>;

function malformed(menu: string, message: string): RouterError {
  return new RouterError('ROUTER_MALFORMED', `${menu}: ${message}`);
}

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : JSON.stringify(v);
}

/** A singleton menu (`/system/resource`): an object, or a one-element array (7.1beta4). */
function singleton(json: unknown, menu: string): Rec {
  if (isRecord(json)) return json;
  if (Array.isArray(json) && json.length === 1 && isRecord(json[0])) return json[0];
  throw malformed(menu, `expected an object, got ${describe(json)}`);
}

/** A list menu (`/interface`): an array of objects; a lone object counts as a list of one. */
function list(json: unknown, menu: string): Rec[] {
  if (isRecord(json)) return [json];
  if (!Array.isArray(json)) throw malformed(menu, `expected an array, got ${describe(json)}`);
  return json.map((item, i) => {
    if (!isRecord(item)) throw malformed(menu, `element ${i} is ${describe(item)}, expected an object`);
    return item;
  });
}

function optString(rec: Rec, field: string, menu: string): string | undefined {
  const v = rec[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw malformed(menu, `field "${field}" is ${describe(v)}, expected a string`);
  // Every text a router sends may be forwarded (Komari basic info, /status): bounded here.
  return v.length > MAX_FIELD_CHARS ? v.slice(0, MAX_FIELD_CHARS) : v;
}

/** The longest text kept from one RouterOS field; RouterOS names and versions are far shorter. */
export const MAX_FIELD_CHARS = 256;

function required<T>(value: T | undefined, field: string, menu: string): T {
  if (value === undefined) throw malformed(menu, `field "${field}" is missing`);
  return value;
}

function reqString(rec: Rec, field: string, menu: string): string {
  return required(optString(rec, field, menu), field, menu);
}

const DIGITS = /^\d+$/;
const U64 = 2n ** 64n;

/** A whole number such as `"12"`; `"12%"`, `"967MiB"`, `""` and unsafe integers are malformed. */
function optInteger(rec: Rec, field: string, menu: string): number | undefined {
  const text = optString(rec, field, menu);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!DIGITS.test(text) || !Number.isSafeInteger(n)) {
    throw malformed(menu, `field "${field}" is ${JSON.stringify(text)}, expected a whole number`);
  }
  return n;
}

function reqInteger(rec: Rec, field: string, menu: string): number {
  return required(optInteger(rec, field, menu), field, menu);
}

/** A 64-bit counter such as `"18446744073709551615"`, exact. */
function optCounter(rec: Rec, field: string, menu: string): bigint | undefined {
  const text = optString(rec, field, menu);
  if (text === undefined) return undefined;
  // Counters are u64: anything at or above 2^64 is a fault of the router or a proxy, never traffic.
  const value = DIGITS.test(text) && text.length <= 20 ? BigInt(text) : U64;
  if (value >= U64) throw malformed(menu, `field "${field}" is ${JSON.stringify(text.slice(0, 40))}, expected a 64-bit counter`);
  return value;
}

/** `true`/`yes` → true, `false`/`no` → false; absent or anything else (`auto`) → undefined. */
function optFlag(rec: Rec, field: string, menu: string): boolean | undefined {
  const text = optString(rec, field, menu);
  if (text === 'true' || text === 'yes') return true;
  if (text === 'false' || text === 'no') return false;
  return undefined;
}

function reqDuration(rec: Rec, field: string, menu: string): number {
  const text = reqString(rec, field, menu);
  try {
    return parseRouterDuration(text);
  } catch {
    throw malformed(menu, `field "${field}" is ${JSON.stringify(text)}, expected a duration`);
  }
}

const RESOURCE = 'system/resource';

/**
 * `/system/resource`. Uptime, version, CPU load and memory are demanded (a report without
 * them would be a guess); the rest default when absent, as right after boot.
 */
export function parseResource(json: unknown): Resource {
  const r = singleton(json, RESOURCE);
  return {
    uptimeS: reqDuration(r, 'uptime', RESOURCE),
    version: reqString(r, 'version', RESOURCE),
    cpuLoadPercent: reqInteger(r, 'cpu-load', RESOURCE),
    cpuCount: optInteger(r, 'cpu-count', RESOURCE) ?? 1,
    cpuFrequencyMhz: optInteger(r, 'cpu-frequency', RESOURCE),
    cpu: optString(r, 'cpu', RESOURCE) ?? '',
    architecture: optString(r, 'architecture-name', RESOURCE) ?? '',
    boardName: optString(r, 'board-name', RESOURCE) ?? '',
    totalMemoryBytes: reqInteger(r, 'total-memory', RESOURCE),
    freeMemoryBytes: reqInteger(r, 'free-memory', RESOURCE),
    totalHddBytes: optInteger(r, 'total-hdd-space', RESOURCE) ?? 0,
    freeHddBytes: optInteger(r, 'free-hdd-space', RESOURCE) ?? 0,
  };
}

/** `/system/routerboard`; on CHR most fields are absent. */
export function parseRouterboard(json: unknown): Routerboard {
  const menu = 'system/routerboard';
  const r = singleton(json, menu);
  return {
    routerboard: optFlag(r, 'routerboard', menu) ?? false,
    model: nonEmpty(optString(r, 'model', menu)),
    firmware: nonEmpty(optString(r, 'current-firmware', menu)),
  };
}

/** `/system/identity` → the router's name. */
export function parseIdentity(json: unknown): string {
  return reqString(singleton(json, 'system/identity'), 'name', 'system/identity');
}

/**
 * `/interface` → byte counters. Entries without a name or without counters carry nothing
 * to count and are skipped; a counter that is present but not a number is malformed. `.id`
 * is absent under `.proplist` on some early 7.x builds: it is then "", and resets are seen
 * from counters going down only.
 */
export function parseInterfaces(json: unknown): InterfaceCounter[] {
  const menu = 'interface';
  const out: InterfaceCounter[] = [];
  for (const r of list(json, menu)) {
    const name = optString(r, 'name', menu);
    const rxBytes = optCounter(r, 'rx-byte', menu);
    const txBytes = optCounter(r, 'tx-byte', menu);
    if (name === undefined || rxBytes === undefined || txBytes === undefined) continue;
    out.push({ id: optString(r, '.id', menu) ?? '', name, rxBytes, txBytes });
  }
  return out;
}

/** `POST …/print {"count-only":""}` → `{"ret":"<n>"}`. Any other shape is malformed. */
export function parseCountOnly(json: unknown, menu = 'print count-only'): number {
  const rec = isRecord(json)
    ? json
    : Array.isArray(json) && json.length === 1 && isRecord(json[0]) && Object.keys(json[0]).join() === 'ret'
      ? json[0]
      : undefined;
  if (rec === undefined || !('ret' in rec)) {
    throw malformed(menu, `expected {"ret":"<count>"}, got ${describe(json)}`);
  }
  return reqInteger(rec, 'ret', menu);
}

/** `/ip/firewall/connection/tracking` → `total-entries`. */
export function parseTrackingTotal(json: unknown, menu = 'ip/firewall/connection/tracking'): number {
  return reqInteger(singleton(json, menu), 'total-entries', menu);
}

/** Whether a tracking reply carries the per-family totals (7.20+), i.e. covers IPv6 as well. */
export function trackingHasFamilyTotals(json: unknown, menu = 'ip/firewall/connection/tracking'): boolean {
  const r = singleton(json, menu);
  return optString(r, 'total-ip4-entries', menu) !== undefined;
}

export interface CloudAddresses {
  publicIpv4: string | undefined;
  publicIpv6: string | undefined;
}

/** `/ip/cloud`; an empty or unparsable address (cloud never contacted) is absent. */
export function parseCloud(json: unknown): CloudAddresses {
  const menu = 'ip/cloud';
  const r = singleton(json, menu);
  const v4 = optString(r, 'public-address', menu);
  const v6 = optString(r, 'public-address-ipv6', menu);
  return {
    publicIpv4: v4 ? addressWithoutPrefix(v4) : undefined,
    publicIpv6: v6 ? addressWithoutPrefix(v6) : undefined,
  };
}

export interface RouteEntry {
  dstAddress: string | undefined;
  gateway: string | undefined;
  /** `10.0.0.1%ether1`; several comma-separated for ECMP. */
  immediateGw: string | undefined;
  active: boolean;
  routingTable: string | undefined;
}

/** `/ip/route` or `/ipv6/route`. */
export function parseRoutes(json: unknown, menu = 'ip/route'): RouteEntry[] {
  return list(json, menu).map((r) => ({
    dstAddress: optString(r, 'dst-address', menu),
    gateway: optString(r, 'gateway', menu),
    immediateGw: optString(r, 'immediate-gw', menu),
    active: optFlag(r, 'active', menu) ?? false,
    routingTable: optString(r, 'routing-table', menu),
  }));
}

export interface AddressEntry {
  /** Without the prefix length. */
  address: string;
  interface: string | undefined;
  /** Disabled or invalid: not usable. */
  usable: boolean;
  linkLocal: boolean;
}

/** `/ip/address` or `/ipv6/address`; entries without a parsable address are skipped. */
export function parseAddresses(json: unknown, menu = 'ip/address'): AddressEntry[] {
  const out: AddressEntry[] = [];
  for (const r of list(json, menu)) {
    const cidr = optString(r, 'address', menu);
    const address = cidr === undefined ? undefined : addressWithoutPrefix(cidr);
    if (address === undefined) continue;
    out.push({
      address,
      interface: optString(r, 'interface', menu),
      usable: optFlag(r, 'disabled', menu) !== true && optFlag(r, 'invalid', menu) !== true,
      linkLocal: optFlag(r, 'link-local', menu) === true,
    });
  }
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
