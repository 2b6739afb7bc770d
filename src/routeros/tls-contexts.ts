/**
 * TLS secure contexts shared by every router connection that trusts the same roots. Without
 * it Node builds a context (and loads the root store) for each connection: ~30 MB more per
 * 1 000 routers, measured. One instance is made by the composition root; nothing global.
 */
import { createSecureContext, type SecureContext } from 'node:tls';

export class TlsContexts {
  private readonly byCa = new Map<string, SecureContext>();

  /** The context for connections that trust `caPem`, or the system roots when undefined. */
  get(caPem: string | undefined): SecureContext {
    const key = caPem ?? '';
    let ctx = this.byCa.get(key);
    if (!ctx) {
      ctx = createSecureContext(caPem === undefined ? {} : { ca: caPem });
      this.byCa.set(key, ctx);
    }
    return ctx;
  }
}
