/**
 * What the accounting tells its caller about one observation. Pure types and one mapping.
 * Events never hold a secret; the caller decides the log level.
 */
import type { InterfaceChange } from './interface-delta.js';
import type { RebootSignal } from './reboot.js';

export type TrafficEvent =
  | { kind: 'baseline'; interfaces: string[] }
  | { kind: 'reboot'; signal: RebootSignal; uptimeS: number; previousUptimeS: number; elapsedMs: number }
  | { kind: 'uptime-glitch'; signal: RebootSignal; uptimeS: number; previousUptimeS: number; elapsedMs: number }
  | { kind: 'device-changed'; previousDeviceId: string; deviceId: string }
  | { kind: 'counter-reset'; interface: string }
  | { kind: 'interface-recreated'; interface: string; previousId: string; id: string }
  | { kind: 'interface-added'; interface: string }
  | { kind: 'implausible'; interface: string; rxBytes: string; txBytes: string; ceilingBytes: string; elapsedMs?: number }
  | {
      kind: 'period-rollover';
      previousPeriodStart: string;
      periodStart: string;
      previousTotalUpBytes: bigint;
      previousTotalDownBytes: bigint;
    }
  | { kind: 'rate-suppressed'; reason: 'long-gap' | 'clock-backwards' | 'no-time-passed'; elapsedMs: number };

/** The events that change the accounting's shape and are kept as a router's last event. */
export type AccountingEventKind = Exclude<TrafficEvent['kind'], 'rate-suppressed' | 'uptime-glitch'>;

/** Per-interface changes as events. */
export function interfaceEvents(changes: readonly InterfaceChange[]): TrafficEvent[] {
  const events: TrafficEvent[] = [];
  for (const c of changes) {
    if (c.change === 'baseline') events.push({ kind: 'interface-added', interface: c.name });
    else if (c.change === 'counter-reset') events.push({ kind: 'counter-reset', interface: c.name });
    else if (c.change === 'recreated') events.push({ kind: 'interface-recreated', interface: c.name, previousId: c.previousId ?? '', id: c.id });
    else if (c.change === 'implausible' && c.refused) {
      events.push({ kind: 'implausible', interface: c.name, rxBytes: c.refused.rx, txBytes: c.refused.tx, ceilingBytes: c.refused.ceiling });
    }
  }
  return events;
}
