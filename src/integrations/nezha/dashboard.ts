/**
 * One configured Nezha dashboard, shared by every router's sink: where it is, how to reach
 * it (h2c or TLS), the agent secret, the auth brake, and the per-call metadata.
 *
 * Each router gets its own channel with its own HTTP/2 connection (like one agent per
 * host): a reverse proxy's per-connection stream limit (nginx: 128) then never caps the
 * fleet, and one router's broken connection is not every router's.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../log.js';
import { AuthGate } from './auth-gate.js';
import { grpcJs } from './grpc-lib.js';
import { loadNezhaService } from './proto.js';

export interface NezhaDashboardConfig {
  /** host:port of the dashboard's gRPC (its HTTP port). */
  server: string;
  tls: boolean;
  insecureTls: boolean;
  secret: string;
  /** One State per router per this many ms. */
  reportInterval: number;
}

export class NezhaDashboard {
  readonly gate = new AuthGate();
  private readonly Client: grpc.ServiceClientConstructor;
  private readonly credentials: grpc.ChannelCredentials;

  constructor(
    readonly config: NezhaDashboardConfig,
    readonly logger: Logger,
    private readonly userAgent: string,
  ) {
    this.Client = loadNezhaService().Client;
    const { credentials } = grpcJs();
    this.credentials = !config.tls
      ? credentials.createInsecure()
      : config.insecureTls
        ? credentials.createSsl(null, null, null, { rejectUnauthorized: false, checkServerIdentity: () => undefined })
        : credentials.createSsl();
  }

  get secret(): string {
    return this.config.secret;
  }

  /** A new channel to the dashboard for one router. */
  newClient(): grpc.Client {
    return new this.Client(this.config.server, this.credentials, {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.primary_user_agent': this.userAgent,
      // Reconnects are tikprobe's own (with backoff and the auth brake), not the channel's.
      'grpc.enable_retries': 0,
    });
  }

  /**
   * Auth metadata in both spellings: dashboards before v2.2.0 read only the underscore
   * forms, and reverse proxies such as nginx drop underscore headers by default.
   */
  metadata(uuid: string): grpc.Metadata {
    const md = new (grpcJs().Metadata)();
    md.set('client_secret', this.config.secret);
    md.set('client_uuid', uuid);
    md.set('client-secret', this.config.secret);
    md.set('client-uuid', uuid);
    return md;
  }

  /** The secret worked: the gate opens for every router (said once when it had been closed). */
  secretAccepted(): void {
    const ended = this.gate.accepted();
    if (ended > 0) this.logger.info({ refusals: ended }, `the Nezha dashboard ${this.config.server} accepts the agent secret again; all routers reconnect`);
  }

  /** The dashboard refused the secret: every router's link pauses (said once, repeats at debug). */
  secretRefused(router: string, text: string, now: number): void {
    const { pauseMs, first, refusals } = this.gate.refused(now);
    const minutes = Math.round(pauseMs / 60_000);
    if (first) {
      this.logger.error(
        { code: 'NEZHA_AUTH', err: text, router, retryInMin: minutes },
        `the Nezha dashboard ${this.config.server} refused the agent secret or node UUID (${text}): every router's streams to it are stopped and retried in ${minutes} min; check nezha.secret (and nezha.uuid) — repeated failures get this host's IP banned by the dashboard`,
      );
    } else {
      this.logger.debug({ code: 'NEZHA_AUTH', refusals, retryInMin: minutes }, `the Nezha dashboard ${this.config.server} still refuses the agent secret`);
    }
  }
}
