/**
 * Runs the bridge on the routers this replica owns: every ownership change becomes a
 * bridge reload with the owned subset of the configuration, followed by a state flush,
 * before the coordinator releases any bucket (the planned handover: stop, save, release).
 */
import type { Bridge, ReloadOptions } from '../bridge/bridge.js';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { StatusSection } from '../status-section.js';
import type { Cluster } from './backend.js';
import { clusterSection } from './cluster-section.js';

export interface AttachedCluster {
  /** A configuration reload (SIGHUP): applied to the owned subset. */
  reload(next: Config): Promise<void>;
  /** Planned leave: stops every router, saves, releases the buckets. */
  stop(): Promise<void>;
  /** The `cluster` block of /status and the cluster's families in /metrics. */
  sections(): StatusSection[];
}

/** The configuration with no routers: what a replica runs before it holds any bucket. */
export function withoutRouters(config: Config): Config {
  return { ...config, routers: [] };
}

export async function attachCluster(
  cluster: Cluster,
  bridge: Bridge,
  config: Config,
  flush: () => Promise<void>,
  logger: Logger,
): Promise<AttachedCluster> {
  let desired = config;
  let owns: (router: string) => boolean = cluster.owned.owns;
  // Ownership changes and reloads are applied one at a time, in order.
  let chain: Promise<void> = Promise.resolve();
  // Routers taken over from another replica poll at once: the dashboards are counting the gap.
  const apply = (start: ReloadOptions['start'] = 'spread'): Promise<void> => {
    const run = chain.then(async () => {
      await bridge.reload({ ...desired, routers: desired.routers.filter((r) => owns(r.name)) }, { start });
      await flush().catch((err: unknown) => logger.warn({ err: errorMessage(err) }, 'state save at handover failed'));
    });
    chain = run.catch(() => undefined);
    return run;
  };
  cluster.owned.onChange((next, change) => {
    owns = next;
    return apply(change.takenOver ? 'takeover' : 'spread');
  });
  await cluster.start();
  return {
    reload(next) {
      desired = next;
      return apply();
    },
    stop: () => cluster.stop(),
    sections: () => [clusterSection(cluster.view, () => bridge.routerConfigs().map((r) => r.name))],
  };
}
