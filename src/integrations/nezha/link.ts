/**
 * One router's open link to the dashboard, and what keeps it current: the Host again every
 * 10 min or when it changed (a reboot moves boot_time), the GeoIP when the public address
 * changed, after a dashboard restart, and every 30 min.
 */
import type { RouterSample } from '../../model.js';
import type { NezhaConnection } from './connection.js';
import { isAuthFailure } from './grpc-errors.js';
import { geoIpKey, hostKey, toNezhaGeoIp, toNezhaHost } from './payload.js';

export const HOST_REFRESH_MS = 10 * 60_000;
export const GEOIP_REFRESH_MS = 30 * 60_000;
const GEOIP_RETRY_MS = 60_000;

export interface Link {
  conn: NezhaConnection;
  abort: AbortController;
  hostKey: string;
  hostAt: number;
  dashboardBoot: number | undefined;
  geoKey: string;
  geoAt: number;
  geoRetryAt: number;
  receipted: boolean;
}

export interface LinkContext {
  /** Epoch ms. */
  now: number;
  bootTimeS: number;
  version: string;
  /** A call on the link failed: the sink drops it (and pauses on an auth failure). */
  failed(conn: NezhaConnection, err: unknown): void;
  /** A GeoIP report failed for another reason: retried in a minute. */
  geoFailed(err: unknown): void;
}

/** Host again every 10 min or when it changed; GeoIP when due. */
export async function refreshLink(link: Link, sample: RouterSample, ctx: LinkContext): Promise<void> {
  const host = toNezhaHost(sample, ctx.bootTimeS, ctx.version);
  const key = hostKey(host);
  if (key !== link.hostKey || ctx.now - link.hostAt >= HOST_REFRESH_MS) {
    let dashboardBoot: number | undefined;
    try {
      dashboardBoot = await link.conn.reportHost(host);
    } catch (err) {
      ctx.failed(link.conn, err);
      return;
    }
    // A changed dashboard boot time means it restarted and forgot the GeoIP.
    if (dashboardBoot !== undefined && link.dashboardBoot !== undefined && dashboardBoot !== link.dashboardBoot) link.geoKey = '';
    link.dashboardBoot = dashboardBoot ?? link.dashboardBoot;
    link.hostKey = key;
    link.hostAt = ctx.now;
  }
  await sendGeoIp(link, sample, ctx);
}

/** Only the router's own public addresses: with none, the dashboard would show this host's. */
export async function sendGeoIp(link: Link, sample: RouterSample, ctx: LinkContext): Promise<void> {
  const geo = toNezhaGeoIp(sample.info);
  if (geo === undefined || link.conn.isClosed) return;
  const key = geoIpKey(geo);
  if (key === link.geoKey && ctx.now - link.geoAt < GEOIP_REFRESH_MS) return;
  if (ctx.now < link.geoRetryAt) return;
  try {
    const reply = await link.conn.reportGeoIp(geo);
    link.geoKey = key;
    link.geoAt = ctx.now;
    if (reply.dashboard_boot_time > 0 && link.dashboardBoot !== undefined && reply.dashboard_boot_time !== link.dashboardBoot) {
      link.dashboardBoot = reply.dashboard_boot_time;
    }
  } catch (err) {
    if (isAuthFailure(err)) {
      ctx.failed(link.conn, err);
      return;
    }
    link.geoRetryAt = ctx.now + GEOIP_RETRY_MS;
    ctx.geoFailed(err);
  }
}
