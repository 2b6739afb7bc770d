/**
 * The configuration schema: the single truth for config types, defaults, descriptions
 * and the JSON Schema (`tikprobe schema`). Pure: no I/O.
 *
 * Two layers: `fileSchema` checks what the user wrote (with `defaults:` still separate),
 * `routerSchema` checks one router after `defaults:` was deep-merged into it.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseListen } from './listen.js';
import { formatDuration, parseConfigDuration } from './duration.js';

const durationInput = z.union([z.number().nonnegative(), z.string()]);

/** A duration in milliseconds, written as "500ms", "5s", "10m", "1h" or a number of seconds. */
export function duration(min: number, max: number) {
  return durationInput
    .transform((v, ctx) => {
      const ms = parseConfigDuration(v);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (use e.g. "500ms", "5s", "10m", "1h")` });
        return z.NEVER;
      }
      if (ms < min || ms > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${formatDuration(ms)} is out of range (${formatDuration(min)}–${formatDuration(max)})`,
        });
        return z.NEVER;
      }
      return ms;
    })
    // `x-duration` survives a later .describe(), so the range reaches the JSON Schema and the docs.
    .meta({
      description: `duration, ${formatDuration(min)}–${formatDuration(max)}`,
      'x-duration': { min: formatDuration(min), max: formatDuration(max) },
    });
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;

export const ROUTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const FINGERPRINT = /^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/;

const tlsSchema = z
  .strictObject({
    verify: z.boolean().default(true).describe('verify the router certificate (false: accept any, warned at start)'),
    ca: z.string().min(1).optional().describe('PEM file of a CA or self-signed certificate to trust'),
    fingerprint: z
      .string()
      .regex(FINGERPRINT, 'must be a SHA-256 fingerprint: 64 hex digits, colons optional')
      .optional()
      .describe('SHA-256 of the router certificate; pins it and skips the hostname check'),
  })
  .describe('TLS to the router (https:// URLs)');

const intervalsSchema = z.strictObject({
  report: duration(1 * S, 30 * S).prefault('5s').describe('POST /api/clients/report cadence'),
  basicInfo: duration(1 * M, 24 * H).prefault('10m').describe('POST /api/clients/uploadBasicInfo cadence'),
  connections: duration(5 * S, 10 * M)
    .prefault('30s')
    .describe('TCP/UDP connection count refresh; the router walks its table for each count'),
  pingTasks: duration(10 * S, 10 * M).prefault('60s').describe('GET /api/clients/ping/tasks cadence'),
});

const trafficSchema = z.strictObject({
  interfaces: z
    .union([z.literal('auto'), z.array(z.string().min(1)).min(1)])
    .default('auto')
    .describe('auto = the interface(s) of the active default route(s), or a list of interface names'),
  resetDay: z
    .number()
    .int()
    .min(1)
    .max(28)
    .optional()
    .describe('1–28: totals restart at 00:00 local time on this day of the month; absent: never'),
  maxLinkMbps: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(100_000)
    .describe(
      'ceiling for one interface, Mbit/s, where its link speed is not known: a counter step above it times the elapsed time is not traffic (another device, a bad reading) and gets a new baseline instead of being added',
    ),
});

const publicIpSchema = z
  .string()
  .refine((v) => v === 'auto' || v === 'none' || isIP(v) !== 0, 'must be auto, none or an IPv4/IPv6 address')
  .default('auto')
  .describe('auto: /ip/cloud, else the global address on the default-route interface; none; or a literal address');

const pingSchema = z.strictObject({
  via: z.enum(['router', 'bridge']).default('router').describe('router: ICMP from the router (/rest/ping); bridge: from this host'),
  count: z.number().int().min(1).max(10).default(3).describe('probes per ICMP measurement'),
});

const routerKomariSchema = z.strictObject({
  token: z.string().min(1).optional().describe("this node's Komari token"),
  tokenFile: z.string().min(1).optional().describe('file holding the token (trailing newline trimmed)'),
});

/**
 * `host:port` (a name, an IPv4 address or a bracketed IPv6 address, port 1–65535), read as
 * `status.listen` is; the text is used as written, so surrounding spaces are refused too.
 */
function isHostPort(v: string): boolean {
  return v === v.trim() && parseListen(v) !== undefined;
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nezhaSchema = z
  .strictObject({
    server: z
      .string()
      .refine(isHostPort, 'must be host:port, e.g. nezha.example.com:443')
      .describe("host:port of the dashboard's gRPC (the dashboard's HTTP port, or the TLS proxy in front of it)"),
    tls: z.boolean().default(true).describe('TLS to the dashboard (false: plaintext h2c; the secret then crosses the network in clear)'),
    insecureTls: z.boolean().default(false).describe('true: do not verify the dashboard certificate (warned at start)'),
    secret: z.string().min(1).optional().describe("the dashboard user's agent secret (profile page)"),
    secretFile: z.string().min(1).optional().describe('file holding the agent secret (trailing newline trimmed)'),
    reportInterval: duration(1 * S, 4 * S).prefault('3s').describe('one State per router per interval (Nezha shows a node offline after 6 s)'),
  })
  .superRefine((n, ctx) => {
    if (n.secret !== undefined && n.secretFile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['secretFile'], message: 'set secret or secretFile, not both' });
    if (n.secret === undefined && n.secretFile === undefined)
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'secret or secretFile is required' });
    if (n.insecureTls && !n.tls) ctx.addIssue({ code: 'custom', path: ['insecureTls'], message: 'insecureTls needs tls: true' });
  })
  .optional()
  .describe('a Nezha v1/v2 dashboard every router also reports to, as a live node');

const routerNezhaSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      uuid: z
        .string()
        .regex(UUID_TEXT, 'must be a UUID (8-4-4-4-12 hex digits)')
        .optional()
        .describe("this router's Nezha node UUID; default: UUIDv5 of the router name"),
    }),
  ])
  .optional()
  .describe('false: this router does not report to Nezha; { uuid } to pick its node');

/** Settings a router may inherit from `defaults:`. */
const settingsShape = {
  username: z.string().min(1).describe('RouterOS user (a read-only group: read, api, rest-api, test)'),
  password: z.string().optional().describe('RouterOS password'),
  passwordFile: z.string().min(1).optional().describe('file holding the password (trailing newline trimmed)'),
  tls: tlsSchema.prefault({}),
  timeout: duration(200, 59 * S).prefault('4s').describe('per REST request; must be below intervals.report'),
  intervals: intervalsSchema.prefault({}),
  traffic: trafficSchema.prefault({}),
  publicIp: publicIpSchema,
  ping: pingSchema.prefault({}),
  komari: routerKomariSchema.prefault({}),
};

const routerObject = z.strictObject({
    name: z.string().regex(ROUTER_NAME, 'must be 1–64 of A-Z a-z 0-9 . _ -').describe('unique; the key of its saved state'),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .refine((u) => {
        const p = new URL(u);
        return (p.pathname === '/' || p.pathname === '') && !p.search && !p.hash && !p.username && !p.password;
      }, 'must be http(s)://host[:port] with no path, query or credentials')
      .describe('http(s)://host[:port]; /rest is appended'),
    tag: z.string().min(1).max(64).optional().describe('optional group name'),
    nezha: routerNezhaSchema,
    ...settingsShape,
  });

export const routerSchema = routerObject.superRefine((r, ctx) => {
    if (r.password !== undefined && r.passwordFile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'set password or passwordFile, not both' });
    if (r.password === undefined && r.passwordFile === undefined)
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'password or passwordFile is required' });
    if (r.komari.token !== undefined && r.komari.tokenFile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['komari', 'tokenFile'], message: 'set token or tokenFile, not both' });
    if (r.timeout >= r.intervals.report)
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: `${formatDuration(r.timeout)} must be below intervals.report (${formatDuration(r.intervals.report)})`,
      });
    if (r.tls.fingerprint !== undefined && r.tls.verify === false)
      ctx.addIssue({ code: 'custom', path: ['tls', 'verify'], message: 'verify: false and a fingerprint contradict each other' });
    if (r.url.startsWith('http://') && (r.tls.ca !== undefined || r.tls.fingerprint !== undefined))
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls.ca and tls.fingerprint need an https:// url' });
  });

/** `defaults:` holds any router setting, all optional; checked again after the merge. */
const defaultsSchema = z
  .strictObject({
    username: z.string().optional(),
    password: z.string().optional(),
    passwordFile: z.string().optional(),
    tls: z.record(z.string(), z.unknown()).optional(),
    timeout: durationInput.optional(),
    intervals: z.record(z.string(), z.unknown()).optional(),
    traffic: z.record(z.string(), z.unknown()).optional(),
    publicIp: z.string().optional(),
    ping: z.record(z.string(), z.unknown()).optional(),
    komari: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('settings every router inherits; a router’s own keys win (deep merge)');

const statusSchema = z
  .strictObject({
    listen: z
      .string()
      .refine((v) => parseListen(v) !== undefined, 'must be host:port, e.g. 127.0.0.1:9464 or [::1]:9464 (port 1–65535)')
      .describe('host:port of /healthz, /status and /metrics; keep it on loopback unless a token is set'),
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe('when set, every endpoint but /healthz needs "Authorization: Bearer <token>"'),
  })
  .optional()
  .describe('the local status server; off when absent');

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

export const fileSchema = z
  .strictObject({
    version: z.literal(1, { error: 'must be 1 (the only config version this tikprobe reads)' }),
    komari: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
          .describe('base URL; /api/clients/... is appended'),
        autoDiscoveryKey: z
          .string()
          .min(12, 'must be at least 12 characters (Komari disables discovery for shorter keys)')
          .optional()
          .describe('register routers that have no token'),
        timeout: duration(1 * S, 120 * S).prefault('30s').describe('per request to Komari (GeoIP on the server can take 5 s)'),
      })
      .optional()
      .describe('the Komari server'),
    nezha: nezhaSchema,
    state: z
      .strictObject({
        dir: z.string().min(1).optional().describe('default: $STATE_DIRECTORY if set (systemd), else ./state'),
      })
      .prefault({}),
    log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).prefault({}),
    status: statusSchema,
    concurrency: z.number().int().min(1).max(10_000).default(32).describe('router requests in flight, whole fleet'),
    defaults: defaultsSchema.optional(),
    routers: z.array(z.record(z.string(), z.unknown())).min(1, 'list at least one router'),
  })
  .describe('tikprobe configuration, version 1');

export type RouterConfigInput = z.input<typeof routerSchema>;
export type RouterConfigParsed = z.output<typeof routerSchema>;
export type FileConfig = z.output<typeof fileSchema>;

/** A router after defaults, `${VAR}` and secret files are resolved: what the daemon runs. */
export interface RouterConfig extends Omit<RouterConfigParsed, 'password' | 'passwordFile' | 'komari' | 'tls'> {
  password: string;
  tls: {
    verify: boolean;
    /** SHA-256 of the leaf certificate, upper-case hex with colons. */
    fingerprint: string | undefined;
    /** Contents of the `tls.ca` file (PEM), read by the loader. */
    caPem: string | undefined;
  };
  komari: { token: string | undefined };
}

/** `nezha:` after `secretFile` is read: what the Nezha sink runs on. */
export interface NezhaConfig {
  server: string;
  tls: boolean;
  insecureTls: boolean;
  secret: string;
  /** Milliseconds. */
  reportInterval: number;
}

export interface Config {
  /** The file it was loaded from, for messages. */
  file: string;
  komari: FileConfig['komari'];
  /** The Nezha dashboard with its secret resolved; absent: no Nezha sink. */
  nezha?: NezhaConfig;
  stateDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  concurrency: number;
  /** The local status server; absent: off. */
  status?: FileConfig['status'];
  routers: RouterConfig[];
}

/**
 * The JSON Schema a user's file must satisfy. `routers` items are the full router schema
 * (what each router holds after the merge), `defaults` its all-optional twin.
 */
export function configJsonSchema(): Record<string, unknown> {
  const docSchema = fileSchema.extend({
    routers: z.array(routerSchema).min(1),
    defaults: routerObject.omit({ name: true, url: true, tag: true, nezha: true }).partial().optional(),
  });
  return z.toJSONSchema(docSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
