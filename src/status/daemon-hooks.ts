/**
 * What `tikprobe run` adds around the bridge for the status server: the metrics registry
 * (created before the bridge, because the bridge reports its events to it from the first
 * poll) and the server itself (started after the bridge, because it reads the bridge).
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { FleetHealth } from '../router-view.js';
import { createMetricsRegistry, type MetricsRegistry } from './metrics.js';
import type { StatusRoute, StatusSection } from '../status-section.js';
import { startStatusServer } from './start.js';

export { createMetricsRegistry };

export interface AttachedStatus {
  /** Stops the status server (a no-op when it is off). Idempotent. */
  close(): Promise<void>;
  /** Called after a SIGHUP reload: status settings take effect only at the next restart. */
  reloaded(next: Config): void;
}

/**
 * Starts the status server when `status.listen` is set; otherwise does nothing. Rejects when
 * the address cannot be bound (in use, not local): the caller stops the bridge and exits 1.
 */
export async function attachStatus(
  config: Config,
  running: { bridge: FleetHealth; startedAt: number },
  logger: Logger,
  version: string,
  metrics: MetricsRegistry,
  options: { routes?: () => readonly StatusRoute[]; sections?: () => readonly StatusSection[] } = {},
): Promise<AttachedStatus> {
  const settings = config.status;
  const reloaded = (next: Config) => {
    if (JSON.stringify(next.status) !== JSON.stringify(settings)) {
      logger.warn('status settings changed: they take effect at the next restart; keeping the current ones');
    }
  };
  if (!settings) return { close: async () => undefined, reloaded };
  const server = await startStatusServer({
    listen: settings.listen,
    token: settings.token,
    bridge: running.bridge,
    startedAt: running.startedAt,
    metrics,
    logger,
    version,
    routes: options.routes,
    sections: options.sections,
  });
  return { close: () => server.close(), reloaded };
}
