/**
 * A registry fed every kind of event and views that fill every family: a router up
 * (per-protocol connections, a degraded collector), one that counts only its whole tracking
 * table, one down; ping tasks of two integrations with a loss and a quoted name; integration
 * delivery and Nezha link activity; every extended collector's families on router a.
 */
import type { RouterView } from '../../src/router-view.js';
import { createMetricsRegistry } from '../../src/status/metrics.js';
import { routerSample } from '../integrations/komari/samples.js';
import { extendedView } from './extended-view.js';

/** A router that answered, with a full sample; `over` changes what a test is about. */
export function view(name: string, over: Partial<RouterView> = {}): RouterView {
  return {
    name,
    state: 'up',
    lastSample: routerSample({ router: name }),
    lastSuccessAt: 1_760_000_000_000,
    lastError: undefined,
    lastErrorCode: undefined,
    lastPollMs: 40,
    degraded: [],
    lastPing: undefined,
    parts: [],
    ...over,
  };
}

/** A registry fed every kind of event, and views that fill every family. */
export function populatedExposition(): string {
  const m = createMetricsRegistry();
  for (const r of ['a', 'b', 'c']) {
    m.pollFinished(r, 30, undefined);
    m.pollFinished(r, 9000, 'ROUTER_TIMEOUT');
    m.sinkResult(r, 'komari', 'report', 200);
    m.monitorResult(r, { source: 'komari', id: 1, name: 'dns "quoted" \\ name', type: 'icmp' }, 1000, 12.5);
    m.monitorResult(r, { source: 'komari', id: 2, name: 'web', type: 'http' }, 1000, undefined);
    m.monitorResult(r, { source: 'nezha', id: 1, name: 'TCP ping 1.1.1.1:443', type: 'tcp' }, 1000, 3);
    for (const e of ['link_up', 'reconnect', 'state_acknowledged', 'auth_pause', 'task_result'] as const) m.integrationEvent(r, 'nezha', e);
  }
  const part = { integration: 'komari', lastSuccessAt: 1000, lastErrorAt: 2000, lastError: 'HTTP 503', sending: true, queueAgeMs: 1500, dropped: 2 };
  const ok = { ...part, lastErrorAt: undefined, lastError: undefined };
  const views = [
    view('a', { parts: [part], degraded: ['health'], extended: extendedView() }),
    view('b', { parts: [ok], lastSample: routerSample({ router: 'b', connections: { tcp: 900, udp: 0, source: 'tracking-total' } }) }),
    view('c', { state: 'down', lastSample: undefined, lastErrorCode: 'ROUTER_TIMEOUT', parts: [ok] }),
  ];
  return [...m.exposition({ views, healthy: true, version: '1.2.3', startedAt: 1_700_000_000_000 })].join('');
}
