/**
 * ICMP echo from this host through net-ping (raw sockets). One instance is shared by all
 * routers: raw sockets need a privilege, and one session per address family is enough for
 * any number of targets.
 *
 * net-ping is loaded on first use, not at import: a host where its native addon did not
 * build, or where raw sockets are not permitted, still runs everything else. Either case
 * is logged ONCE, with how to fix it, and bridge-side ICMP tasks are then skipped.
 */
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TikprobeError } from '../errors.js';
import type { Logger } from '../log.js';
import { abortReason, type CancelSignal } from '../time/cancel.js';

/** The part of a net-ping session this module uses. */
export interface IcmpSession {
  pingHost(target: string, callback: (error: Error | null, target: string) => void): unknown;
  close(): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Opens a raw ICMP session for IPv4 (4) or IPv6 (6); throws when it cannot (e.g. EPERM). */
export type IcmpSessionFactory = (family: 4 | 6) => IcmpSession;

export interface BridgeIcmp {
  /** True when ICMP from this host works. The first call opens the IPv4 session and logs any failure. */
  available(): boolean;
  /**
   * RTT in milliseconds of one echo to an IP address, undefined when no reply came within
   * `timeoutMs` (or an ICMP error such as unreachable came back). Rejects with
   * PING_UNAVAILABLE when raw sockets cannot be used, and when `signal` aborts.
   */
  ping(address: string, timeoutMs: number, signal?: CancelSignal): Promise<number | undefined>;
  close(): void;
}

export interface BridgeIcmpOptions {
  /** Test seam; default: net-ping. */
  sessionFactory?: IcmpSessionFactory;
}

/** The session's own timeout only cleans up its request table; each ping has its own, shorter one. */
const SESSION_TIMEOUT_MS = 10_000;

export const GRANT_RAW_SOCKETS =
  'grant CAP_NET_RAW: Docker `--cap-add NET_RAW`; systemd `AmbientCapabilities=CAP_NET_RAW`; ' +
  'or `sudo setcap cap_net_raw+ep $(readlink -f $(which node))`';

interface NetPingModule {
  createSession(options: Record<string, unknown>): IcmpSession;
  NetworkProtocol: { IPv4: number; IPv6: number };
}

class NativeAddonMissing extends Error {
  constructor(cause: unknown) {
    super('the net-ping native addon could not be loaded', { cause });
    this.name = 'NativeAddonMissing';
  }
}

/**
 * The real factory. raw-socket throws a plain Error whose message is strerror() text
 * ("Operation not permitted") and which has no `code`; callers recognise it by that text.
 * `load` is a test seam for a native addon that failed to build.
 */
export function netPingSessionFactory(load: () => unknown = () => createRequire(import.meta.url)('net-ping')): IcmpSessionFactory {
  let mod: NetPingModule | undefined;
  return (family) => {
    if (!mod) {
      try {
        mod = load() as NetPingModule;
      } catch (err) {
        throw new NativeAddonMissing(err);
      }
    }
    return mod.createSession({
      networkProtocol: family === 6 ? mod.NetworkProtocol.IPv6 : mod.NetworkProtocol.IPv4,
      retries: 0,
      timeout: SESSION_TIMEOUT_MS,
    });
  };
}

/** EPERM/EACCES from socket(): by `code` when present, else by the strerror text raw-socket uses. */
export function isPermissionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EPERM' || code === 'EACCES') return true;
  return /operation not permitted|permission denied/i.test(err.message);
}

type State = 'unknown' | 'ready' | 'unavailable' | 'closed';

class NetPingBridgeIcmp implements BridgeIcmp {
  private state: State = 'unknown';
  private readonly sessions = new Map<4 | 6, IcmpSession>();
  private readonly brokenFamilies = new Set<4 | 6>();

  constructor(
    private readonly logger: Logger,
    private readonly factory: IcmpSessionFactory,
  ) {}

  available(): boolean {
    if (this.state === 'unknown') {
      try {
        this.session(4);
        this.state = 'ready';
      } catch (err) {
        this.state = 'unavailable';
        this.logUnavailable(err);
      }
    }
    return this.state === 'ready';
  }

  private logUnavailable(err: unknown): void {
    const detail = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    if (err instanceof NativeAddonMissing) {
      this.logger.error(
        { code: 'PING_UNAVAILABLE', err: detail },
        'ICMP from this host is unavailable: the net-ping native addon is not built (reinstall with python3, make and g++ present); ' +
          'ICMP tasks with ping.via=bridge are skipped, all other probes run',
      );
      return;
    }
    const why = isPermissionError(err) ? 'this process may not open raw sockets' : 'a raw ICMP socket could not be opened';
    this.logger.error(
      { code: 'PING_UNAVAILABLE', err: detail },
      `ICMP from this host is unavailable: ${why}; ${GRANT_RAW_SOCKETS}. ICMP tasks with ping.via=bridge are skipped, all other probes run`,
    );
  }

  private session(family: 4 | 6): IcmpSession {
    const existing = this.sessions.get(family);
    if (existing) return existing;
    const created = this.factory(family);
    created.on('error', (err) => {
      // A socket-level error leaves the session unusable; open a fresh one on the next ping.
      this.logger.warn({ family, err: err.message }, 'ICMP socket error; reopening it on the next ping');
      this.dropSession(family, created);
    });
    this.sessions.set(family, created);
    return created;
  }

  private dropSession(family: 4 | 6, session: IcmpSession): void {
    if (this.sessions.get(family) !== session) return;
    this.sessions.delete(family);
    try {
      session.close();
    } catch {
      // already closed
    }
  }

  async ping(address: string, timeoutMs: number, signal?: CancelSignal): Promise<number | undefined> {
    if (signal?.aborted) throw abortReason(signal);
    if (!this.available()) throw new TikprobeError('PING_UNAVAILABLE', 'ICMP from this host is unavailable');
    const family = isIP(address);
    if (family !== 4 && family !== 6) throw new TypeError('ping needs an IP address');
    let session: IcmpSession;
    try {
      session = this.session(family);
    } catch (err) {
      // IPv4 works but IPv6 does not (no IPv6 on this host): that target is unreachable.
      if (!this.brokenFamilies.has(family)) {
        this.brokenFamilies.add(family);
        this.logger.warn({ family, err: err instanceof Error ? err.message : String(err) }, 'no ICMP socket for this address family; its targets count as lost');
      }
      return undefined;
    }
    return new Promise<number | undefined>((resolve, reject) => {
      let settled = false;
      const started = performance.now();
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onAbort = () => settle(() => reject(abortReason(signal as CancelSignal)));
      const timer = setTimeout(() => settle(() => resolve(undefined)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        session.pingHost(address, (error) => {
          const elapsed = performance.now() - started;
          settle(() => resolve(error ? undefined : elapsed));
        });
      } catch {
        settle(() => resolve(undefined));
      }
    });
  }

  close(): void {
    this.state = 'closed';
    for (const [family, session] of this.sessions) this.dropSession(family, session);
  }
}

export function createBridgeIcmp(logger: Logger, options: BridgeIcmpOptions = {}): BridgeIcmp {
  return new NetPingBridgeIcmp(logger, options.sessionFactory ?? netPingSessionFactory());
}
