import type { LimitFunction } from 'p-limit';
import type { RouterConfig } from '../config/schema.js';
import { createRouterClient } from '../routeros/client.js';
import type { RouterRest } from '../routeros/rest.js';
import type { TlsContexts } from '../routeros/tls-contexts.js';

/** The REST client for one configured router, under the fleet-wide request limit. */
export function restClientFor(router: RouterConfig, limit: LimitFunction, tlsContexts?: TlsContexts): RouterRest {
  return createRouterClient({
    name: router.name,
    url: router.url,
    username: router.username,
    password: router.password,
    tls: { verify: router.tls.verify, fingerprint: router.tls.fingerprint, caPem: router.tls.caPem },
    timeoutMs: router.timeout,
    limit,
    tlsContexts,
  });
}
