/**
 * Building and closing the integrations the configuration enables, and the probes they share:
 * one way for the one-thread bridge (main.ts) and for the worker mode's read APIs.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Integration, IntegrationDeps, IntegrationFactory, SharedProbes } from './contract.js';

export async function closeIntegrations(integrations: readonly Integration[], logger: Logger): Promise<void> {
  await Promise.all(integrations.map((i) => i.close().catch((err: unknown) => logger.warn({ integration: i.name, err }, 'integration did not close cleanly'))));
}

export async function closeProbes(probes: SharedProbes): Promise<void> {
  probes.icmp.close();
  await probes.http.close();
}

/** Every registered integration the configuration enables; one whose factory throws is logged and left out. */
export function buildIntegrations(factories: readonly IntegrationFactory[], config: Config, deps: IntegrationDeps): Integration[] {
  const out: Integration[] = [];
  for (const create of factories) {
    try {
      const integration = create(config, deps);
      if (integration !== undefined) out.push(integration);
    } catch (err) {
      deps.logger.error({ err }, 'an integration could not be built from this configuration; running without it');
    }
  }
  return out;
}
