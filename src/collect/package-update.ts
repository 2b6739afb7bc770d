/**
 * Installed vs latest RouterOS version, read passively with `GET /system/package/update`
 * (print). tikprobe never sends `check-for-updates`, `download` or `install`: check-for-updates
 * makes the router contact MikroTik's update server (and, with a script hooked on it, may start
 * a download), so it stays the operator's decision. `latest-version` is therefore present only
 * after the router (or its operator) last checked; without it the state is "unknown".
 */
import type { PackageUpdate } from '../model.js';
import type { RouterRest } from '../routeros/rest.js';
import { recordsOf, text } from './ros-values.js';
import type { CancelSignal } from '../time/cancel.js';

export type { PackageUpdate };

export const PACKAGE_UPDATE_PROPLIST = ['channel', 'installed-version', 'latest-version', 'status'] as const;

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(beta|rc)(\d+))?$/;

/** Orders "7.16", "7.16.2", "7.17rc3", "7.17beta1"; undefined when either is not a version. */
export function compareVersions(a: string, b: string): number | undefined {
  const ka = versionKey(a);
  const kb = versionKey(b);
  if (ka === undefined || kb === undefined) return undefined;
  for (let i = 0; i < ka.length; i++) {
    const d = (ka[i] as number) - (kb[i] as number);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function versionKey(v: string): number[] | undefined {
  const m = VERSION.exec(v);
  if (m === null) return undefined;
  // Pre-releases sort before the release: beta < rc < final.
  const stage = m[4] === 'beta' ? 0 : m[4] === 'rc' ? 1 : 2;
  return [Number(m[1]), Number(m[2]), stage === 2 ? Number(m[3] ?? 0) : 0, stage, Number(m[5] ?? 0)];
}

/** Reads an object, a one-element array, or the last `.section` of a check-for-updates reply. */
export function parsePackageUpdate(reply: unknown): PackageUpdate {
  const recs = recordsOf(reply, 16);
  const rec = recs[recs.length - 1];
  if (rec === undefined) return {};
  const out: PackageUpdate = {};
  const channel = text(rec, 'channel', 32);
  const installed = text(rec, 'installed-version', 32);
  const latest = text(rec, 'latest-version', 32);
  if (channel !== undefined) out.channel = channel;
  if (installed !== undefined) out.installed = installed;
  if (latest !== undefined) out.latest = latest;
  const cmp = installed !== undefined && latest !== undefined ? compareVersions(latest, installed) : undefined;
  if (cmp !== undefined) out.available = cmp > 0;
  return out;
}

export async function collectPackageUpdate(rest: RouterRest, signal: CancelSignal): Promise<PackageUpdate> {
  return parsePackageUpdate(await rest.get('system/package/update', { signal, proplist: PACKAGE_UPDATE_PROPLIST }));
}
