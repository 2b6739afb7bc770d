import type { RouterConfig } from '../config/schema.js';
import { createRouterClient } from '../routeros/client.js';
import type { RouterRest } from '../routeros/rest.js';
import type { TlsContexts } from '../routeros/tls-contexts.js';
import { RequestSlots } from '../time/request-slots.js';

/**
 * The REST client for one configured router, under the fleet-wide request limit: the bridge's
 * request slots (a wait for a slot counts toward the timeout), or a plain limit function (the
 * one-shot commands). `now`: the clock of the progress and wait figures.
 */
export function restClientFor(
  router: RouterConfig,
  limit: RequestSlots | (<T>(fn: () => Promise<T>) => Promise<T>),
  tlsContexts?: TlsContexts,
  now?: () => number,
): RouterRest {
  return createRouterClient({
    name: router.name,
    url: router.url,
    username: router.username,
    password: router.password,
    tls: { verify: router.tls.verify, fingerprint: router.tls.fingerprint, caPem: router.tls.caPem },
    timeoutMs: router.timeout,
    ...(limit instanceof RequestSlots ? { slots: limit } : { limit }),
    tlsContexts,
    now,
  });
}
