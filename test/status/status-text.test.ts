import { seededRng } from '@tikprobe/sim/prng.js';
import { describe, expect, it } from 'vitest';
import { byRouterName, type RouterView } from '../../src/router-view.js';
import type { LinkActivity, SinkEndpointView } from '../../src/status/metrics.js';
import { statusText } from '../../src/status/status-text.js';
import { routerStatus, type StatusInput } from '../../src/status/status-view.js';
import { extendedView } from './extended-view.js';
import { view } from './populated.js';

type Input = StatusInput;

/** What the reply was before it was written in slices: the whole document, one JSON.stringify. */
function whole(input: Input, blocks: readonly (readonly [string, unknown])[]): string {
  const doc = {
    version: input.version,
    now: new Date(input.now).toISOString(),
    startedAt: new Date(input.startedAt).toISOString(),
    healthy: input.healthy,
    routers: [...input.views].map((v) => routerStatus(v, input.sinks(v.name), input.links?.(v.name))),
  };
  return `${JSON.stringify({ ...doc, ...Object.fromEntries(blocks) }, null, 2)}\n`;
}

const sinks = (router: string): SinkEndpointView[] =>
  router === 'b' ? [] : [{ sink: 'komari', endpoint: 'report', lastStatus: 200, lastAt: 1_760_000_000_000, lastAcceptedAt: router === 'c' ? undefined : 1_760_000_000_000 }];
const links = (router: string): ReadonlyMap<string, LinkActivity> =>
  router === 'a' ? new Map([['nezha', { linkUp: true, reconnects: 2, statesAcknowledged: 3, authPauses: 0, taskResults: 4 }]]) : new Map();

/** The views in router-name order, as the status server hands them over. */
function input(views: RouterView[]): Input {
  const sorted = [...views].sort((a, b) => byRouterName(a.name, b.name));
  return { views: sorted, sinks, links, healthy: true, version: '1.2.3', startedAt: 1_700_000_000_000, now: 1_760_000_000_000 };
}

const part = { integration: 'komari', lastSuccessAt: 1000, lastErrorAt: 2000, lastError: 'HTTP 503: "quoted"\nsecond line', sending: true, queueAgeMs: 1500, dropped: 2 };
const pool: RouterView[] = [
  view('a', { parts: [part], degraded: ['health'], extended: extendedView(), lastPing: { value: 12.5, at: 1_760_000_000_000 } }),
  view('b', { parts: [] }),
  view('c', { state: 'down', lastSample: undefined, lastErrorCode: 'ROUTER_TIMEOUT', lastError: 'no reply within 5000 ms', parts: [part] }),
  view('router-10', { state: 'backoff' }),
  view('Router_2', { state: 'starting', lastSample: undefined, lastSuccessAt: undefined }),
];

describe('the /status text written router by router', () => {
  it('is exactly the document as one JSON.stringify made it, for no router, one, and several', () => {
    const blocks = [
      ['load', { overloaded: false, routers: 3, requests: { active: 0, slots: 32 } }],
      ['komari', { tokens: [], note: null }],
    ] as const;
    for (const views of [[], [pool[1] as RouterView], [...pool].reverse()]) {
      const text = [...statusText(input(views), blocks)].join('');
      expect(text).toBe(whole(input(views), blocks));
      expect(JSON.parse(text).routers.map((r: { name: string }) => r.name)).toEqual(views.map((v) => v.name).sort(byRouterName));
    }
  });

  it('leaves out a block whose value is undefined, as a spread document did, and keeps the others in order', () => {
    const blocks = [
      ['first', undefined],
      ['second', []],
      ['third', {}],
    ] as const;
    const text = [...statusText(input([pool[0] as RouterView]), blocks)].join('');
    expect(text).toBe(whole(input([pool[0] as RouterView]), [blocks[1], blocks[2]]));
    expect(Object.keys(JSON.parse(text))).toEqual(['version', 'now', 'startedAt', 'healthy', 'routers', 'second', 'third']);
  });

  it('matches the whole document for generated fleets and blocks (nested values, empty ones, strings with newlines)', () => {
    for (let seed = 1; seed <= 120; seed++) {
      const rng = seededRng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
      const value = (depth: number): unknown => {
        const kind = Math.floor(rng() * (depth > 2 ? 4 : 7));
        if (kind === 0) return Math.round(rng() * 1e6) / 100;
        if (kind === 1) return pick(['', 'text', 'two\nlines', 'quote " and \\ slash', 'ünïcode']);
        if (kind === 2) return pick([null, true, false]);
        if (kind === 3) return [];
        if (kind === 4) return Array.from({ length: Math.floor(rng() * 4) }, () => value(depth + 1));
        if (kind === 5) return {};
        return Object.fromEntries(Array.from({ length: 1 + Math.floor(rng() * 3) }, (_, i) => [`k${i}`, value(depth + 1)]));
      };
      const views = pool.filter(() => rng() < 0.6);
      const blocks = Array.from({ length: Math.floor(rng() * 4) }, (_, i) => [`block${i}`, rng() < 0.2 ? undefined : value(0)] as const);
      const defined = blocks.filter(([, v]) => v !== undefined);
      expect([...statusText(input(views), blocks)].join(''), `seed ${seed}`).toBe(whole(input(views), defined));
    }
  });
});
