/** A status server on a free loopback port with an empty fleet; a test passes only what it is about. */
import { createLogger } from '../../src/log.js';
import { createMetricsRegistry } from '../../src/status/metrics.js';
import { type StatusServer, type StatusServerDeps, startStatusServer } from '../../src/status/start.js';

export function startTestStatusServer(over: Partial<StatusServerDeps> = {}): Promise<StatusServer> {
  return startStatusServer({
    listen: '127.0.0.1:0',
    token: undefined,
    bridge: { view: () => [], healthy: () => true },
    startedAt: 0,
    metrics: createMetricsRegistry(),
    logger: createLogger({ level: 'silent' }),
    version: '0.0.0-test',
    ...over,
  });
}
