/**
 * The /status document: per router its state, last success and error, poll latency, the
 * numbers it last handed to the sinks, degraded collectors, last ping and what each sink
 * endpoint answered. Times are ISO 8601 (UTC) so a person can read them. Pure.
 */
import type { RouterSample } from '../model.js';
import type { RouterView } from '../bridge/router-runner.js';
import type { LinkActivity, SinkEndpointView } from './metrics.js';
import type { AccountingView } from '../router-view.js';
import { type ExtendedStatus, extendedStatus } from './extended-status.js';

/** `degraded`: the router answers but some collectors are disabled or failing. */
export type StatusState = 'starting' | 'up' | 'degraded' | 'down' | 'backoff';

export interface RouterStatus {
  name: string;
  state: StatusState;
  lastSuccessAt: string | null;
  lastError: { code: string; message: string } | null;
  lastPollMs: number | null;
  collectors: { degraded: string[] };
  /** The extended collectors of this router (states, last run, last error, latest values); null when none is configured. */
  extended: ExtendedStatus | null;
  /** Identity, last accounting event and totals in memory vs on disk (docs/troubleshooting.md). */
  accounting: AccountingView | null;
  lastPing: { valueMs: number; at: string } | null;
  /** The numbers of the last successful poll, as every sink received them. */
  lastSample: (Omit<RouterSample, 'takenAt'> & { takenAt: string }) | null;
  sinks: { sink: string; endpoint: string; lastStatus: number | 'error'; lastAt: string; lastAcceptedAt: string | null }[];
  /** Each integration's delivery for this router: a slow or dead dashboard shows here, never in /healthz. */
  integrations: {
    integration: string;
    lastSuccessAt: string | null;
    lastError: { at: string; message: string } | null;
    sending: boolean;
    queueAgeMs: number;
    dropped: number;
    /** Link activity (Nezha: streams open, reconnects, States acknowledged, auth pauses, task results); null when the integration reports none. */
    link: LinkActivity | null;
  }[];
}

export interface StatusDocument {
  version: string;
  now: string;
  startedAt: string;
  healthy: boolean;
  routers: RouterStatus[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function statusState(view: RouterView): StatusState {
  if (view.state === 'up') return view.degraded.length > 0 ? 'degraded' : 'up';
  return view.state;
}

export function routerStatus(view: RouterView, sinks: readonly SinkEndpointView[], links: ReadonlyMap<string, LinkActivity> = new Map()): RouterStatus {
  return {
    name: view.name,
    state: statusState(view),
    lastSuccessAt: iso(view.lastSuccessAt),
    lastError: view.lastErrorCode !== undefined ? { code: view.lastErrorCode, message: view.lastError ?? '' } : null,
    lastPollMs: view.lastPollMs ?? null,
    collectors: { degraded: [...view.degraded] },
    extended: view.extended ? extendedStatus(view.extended) : null,
    accounting: view.accounting ?? null,
    lastPing: view.lastPing ? { valueMs: view.lastPing.value, at: new Date(view.lastPing.at).toISOString() } : null,
    lastSample: view.lastSample ? { ...view.lastSample, takenAt: new Date(view.lastSample.takenAt).toISOString() } : null,
    sinks: sinks.map((s) => ({
      sink: s.sink,
      endpoint: s.endpoint,
      lastStatus: s.lastStatus,
      lastAt: new Date(s.lastAt).toISOString(),
      lastAcceptedAt: iso(s.lastAcceptedAt),
    })),
    integrations: view.parts.map((p) => ({
      integration: p.integration,
      lastSuccessAt: iso(p.lastSuccessAt),
      lastError: p.lastError !== undefined ? { at: iso(p.lastErrorAt) ?? '', message: p.lastError } : null,
      sending: p.sending,
      queueAgeMs: p.queueAgeMs,
      dropped: p.dropped,
      link: links.has(p.integration) ? { ...links.get(p.integration)! } : null,
    })),
  };
}

/** What the /status document is made of (status-text.ts writes it). */
export interface StatusInput {
  /** In router-name order (`byRouterName`), made as they are reached. */
  views: Iterable<RouterView>;
  sinks: (router: string) => readonly SinkEndpointView[];
  links?: (router: string) => ReadonlyMap<string, LinkActivity>;
  healthy: boolean;
  version: string;
  startedAt: number;
  now: number;
}
