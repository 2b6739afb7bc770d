/**
 * A poll that the bridge had no request slot for (BRIDGE_OVERLOADED) is skipped as a whole:
 * what it was refreshing (basic info, connection counts) stays due, so the next poll reads it
 * instead of running without it (a first poll skipped inside basic info must not leave the
 * router with no traffic interface for a minute).
 */
import { describe, expect, it } from 'vitest';
import { RouterPoller } from '../../src/bridge/router-poller.js';
import { ConnectionCounter } from '../../src/collect/connections.js';
import { loadConfigText } from '../../src/config/load.js';
import { RouterError } from '../../src/errors.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import { useRouterHarness } from '../collect/harness.js';
import { bufferLogger } from '../support/log-buffer.js';

const h = useRouterHarness();

/** The harness client, with the next request for `path` refused as if no slot came free in time. */
function overloadedOnce(rest: RouterRest, path: string): RouterRest {
  let armed = true;
  const refuse = (p: string) => {
    if (!armed || p !== path) return undefined;
    armed = false;
    return Promise.reject(new RouterError('BRIDGE_OVERLOADED', `edge1: GET /rest/${p}: not sent: no request slot free within 4000 ms`));
  };
  return {
    get: (p, o) => refuse(p) ?? rest.get(p, o),
    post: (p, b, o) => refuse(p) ?? rest.post(p, b, o),
    stats: () => rest.stats(),
    close: () => rest.close(),
  };
}

async function poller(rest: RouterRest, now: () => number) {
  const config = await loadConfigText(`version: 1\nkomari: { url: http://127.0.0.1:9 }\nrouters:\n  - name: edge1\n    url: ${h.server.url}\n    username: u\n    password: p\n    komari: { token: TokA1b2C3d4E5f6G7h8I9j0 }\n`, 'p.yaml', {});
  const router = config.routers[0]!;
  const log = bufferLogger();
  return {
    log,
    poller: new RouterPoller({ router, rest, logger: log.logger, now, connections: new ConnectionCounter({ reprobeMs: router.intervals.basicInfo }), initialTraffic: undefined, onTraffic: () => undefined }),
  };
}

describe('a poll skipped for lack of a request slot', () => {
  for (const path of ['ip/route', 'system/identity', 'system/routerboard', 'ip/firewall/connection/print']) {
    it(`inside ${path}: is skipped whole, logs nothing, and the next poll reads what it missed`, async () => {
      let t = 1_000_000;
      const { poller: p, log } = await poller(overloadedOnce(h.rest, path), () => t);
      const signal = new AbortController().signal;
      await expect(p.poll(signal)).rejects.toMatchObject({ code: 'BRIDGE_OVERLOADED' });
      t += 5000;
      const sample = await p.poll(signal);
      expect(sample.trafficInterfaces?.length).toBeGreaterThan(0);
      expect(sample.info.identity).toBe(h.fake.state.identity);
      expect(sample.connections).toBeDefined();
      expect(p.degraded()).toEqual([]);
      expect(log.lines().filter((l) => (l.level as number) >= 40)).toEqual([]);
    });
  }
});
