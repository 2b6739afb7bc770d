/**
 * The configuration schema: the single truth for config types, defaults, descriptions
 * and the JSON Schema (`tikprobe schema`). Pure: no I/O.
 *
 * Two layers: `fileSchema` checks what the user wrote (with `defaults:` still separate),
 * `routerSchema` checks one router after `defaults:` was deep-merged into it.
 */
import { z } from 'zod';
import { parseListen } from './listen.js';
import { clusterSchema } from './schema-cluster.js';
import { workersSchema } from './schema-workers.js';
import { collectorsSchema } from './schema-collectors.js';
import { formatDuration } from './duration.js';
import { routerUrlProblem } from './router-url.js';
export { duration, ROUTER_NAME } from './schema-parts.js';
export type { CollectorsConfig } from './schema-collectors.js';
import {
  DEFAULT_TIMEOUT,
  duration,
  durationInput,
  intervalsSchema,
  pingSchema,
  publicIpSchema,
  ROUTER_NAME,
  routerKomariSchema,
  S,
  tlsSchema,
  trafficSchema,
} from './schema-parts.js';

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
  timeout: duration(200, 59 * S).prefault(formatDuration(DEFAULT_TIMEOUT)).describe('per REST request; must be below intervals.report'),
  intervals: intervalsSchema.prefault({}),
  traffic: trafficSchema.prefault({}),
  publicIp: publicIpSchema,
  ping: pingSchema.prefault({}),
  komari: routerKomariSchema.prefault({}),
  collectors: collectorsSchema,
};

const routerObject = z.strictObject({
    name: z
      .string()
      .regex(ROUTER_NAME, 'must be 1–64 of A-Z a-z 0-9 . _ -')
      .refine((n) => n !== '.' && n !== '..', 'must not be "." or ".." (it names the state file)')
      .describe('unique; the key of its saved state'),
    url: z
      .string()
      .superRefine((u, ctx) => {
        const problem = routerUrlProblem(u);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
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
        message:
          r.timeout === DEFAULT_TIMEOUT
            ? `${formatDuration(r.timeout)} (the default when timeout is not set) must be below intervals.report (${formatDuration(r.intervals.report)}): set a shorter timeout`
            : `${formatDuration(r.timeout)} must be below intervals.report (${formatDuration(r.intervals.report)})`,
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
    collectors: z.record(z.string(), z.unknown()).optional(),
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
        dir: z
          .string()
          .min(1)
          .optional()
          .describe('relative to the config file; default: $STATE_DIRECTORY if set (systemd), else a state directory next to the config file'),
      })
      .prefault({}),
    log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).prefault({}),
    status: statusSchema,
    cluster: clusterSchema,
    concurrency: z.number().int().min(1).max(10_000).default(32).describe('router requests in flight, whole fleet'),
    workers: workersSchema,
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
  /** Worker threads that share the fleet (see src/workers/); absent or 1: the bridge runs on the main thread. */
  workers?: number | 'auto';
  /** The local status server; absent: off. */
  status?: FileConfig['status'];
  /** Cluster mode on PostgreSQL; absent: one process with state in files. */
  cluster?: FileConfig['cluster'];
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
