/**
 * The ready-to-run tikprobe config for a simulated fleet (format: the shared config spec,
 * version 1), and the Komari tokens it uses. Pure.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

const EXTENDED = ['health', 'interfaces', 'ethernet', 'ppp', 'dhcp', 'wireless', 'wireguard', 'updates'] as const;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Router `index`'s Komari token: 22 letters and digits like a real one, derived from the
 * index so a config written earlier keeps matching a receiver started later.
 */
export function simToken(index: number): string {
  const digest = createHash('sha256').update(`tikprobe-sim-token:${index}`).digest();
  let out = '';
  for (let i = 0; i < 22; i++) out += ALPHABET[(digest[i] as number) % ALPHABET.length];
  return out;
}

export interface FleetConfigRouter {
  name: string;
  url: string;
  token: string;
}

export interface FleetConfigInput {
  routers: FleetConfigRouter[];
  password: string;
  /** SHA-256 of the simulator's certificate, pinned for https:// routers. */
  fingerprint?: string;
  komariUrl: string;
  stateDir?: string;
  /** `intervals.report`, e.g. "5s". */
  reportInterval?: string;
  concurrency?: number;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Every extended collector on (`collectors:` in the router defaults). */
  allCollectors?: boolean;
  /** First comment lines of the file (how it was made). */
  comment?: string;
}

export function fleetConfigYaml(input: FleetConfigInput): string {
  const defaults: Record<string, unknown> = { username: 'tikprobe', password: input.password };
  if (input.fingerprint) defaults.tls = { fingerprint: input.fingerprint };
  if (input.reportInterval) defaults.intervals = { report: input.reportInterval };
  if (input.allCollectors) defaults.collectors = Object.fromEntries(EXTENDED.map((n) => [n, { enabled: true }]));
  const doc: Record<string, unknown> = {
    version: 1,
    komari: { url: input.komariUrl },
    ...(input.stateDir ? { state: { dir: input.stateDir } } : {}),
    log: { level: input.logLevel ?? 'info' },
    ...(input.concurrency ? { concurrency: input.concurrency } : {}),
    defaults,
    routers: input.routers.map((r) => ({ name: r.name, url: r.url, komari: { token: r.token } })),
  };
  const header = (input.comment ?? '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `# ${l}\n`)
    .join('');
  return header + stringify(doc, { lineWidth: 0 });
}
