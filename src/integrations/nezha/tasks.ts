/**
 * What tikprobe does with each task the Nezha dashboard sends. Pure.
 *
 * Only the three monitor kinds are measured: ICMP ping (from the router's `/ping`, or from
 * this host when the router's `ping.via` is `bridge`), TCP ping and HTTP GET (from this
 * host: RouterOS has no TCP or HTTP probe). Keepalives need nothing. Everything that would
 * execute, open a terminal or a tunnel, touch files, upgrade or reconfigure is refused with
 * `successful: false` and a message saying why: tikprobe never executes anything on request.
 */
import { type PingVia, type Probe, probeFor } from '../../probes/kinds.js';

export const TaskType = {
  HttpGet: 1,
  IcmpPing: 2,
  TcpPing: 3,
  Command: 4,
  Terminal: 5,
  Upgrade: 6,
  Keepalive: 7,
  TerminalGrpc: 8,
  Nat: 9,
  ReportHostInfo: 10,
  FileManager: 11,
  ReportConfig: 12,
  ApplyConfig: 13,
  ServerTransferApply: 14,
  Exec: 15,
  FsList: 16,
  FsRead: 17,
  FsWrite: 18,
  FsDelete: 19,
  FsTransfer: 20,
} as const;

const NAMES: Record<number, string> = {
  1: 'HTTP GET',
  2: 'ICMP ping',
  3: 'TCP ping',
  4: 'command',
  5: 'terminal',
  6: 'upgrade',
  7: 'keepalive',
  8: 'terminal',
  9: 'NAT tunnel',
  10: 'host info',
  11: 'file manager',
  12: 'read config',
  13: 'apply config',
  14: 'server transfer',
  15: 'exec',
  16: 'file list',
  17: 'file read',
  18: 'file write',
  19: 'file delete',
  20: 'file transfer',
};

export function taskTypeName(type: number): string {
  return NAMES[type] ?? `type ${type}`;
}

export const REFUSAL =
  'not supported by tikprobe for RouterOS devices: tikprobe only measures (ICMP, TCP, HTTP) and never executes commands, opens terminals or tunnels, touches files, upgrades or changes configuration on request';

/** The echoes a router-side ping task sends; the task carries no interval, so this nominal one sizes it. */
export const TASK_NOMINAL_INTERVAL_S = 30;
/** The official agent's bound for one TCP or HTTP task. */
export const TASK_TIMEOUT_MS = 10_000;

export type TaskPlan =
  | { action: 'measure'; probe: Probe }
  /** Reply at once with successful=false and this text. */
  | { action: 'fail'; message: string }
  /** Nothing to do and nothing to answer. */
  | { action: 'ignore' };

export function planTask(type: number, data: string, via: PingVia, count: number): TaskPlan {
  const shape = (kind: string) => probeFor({ type: kind, target: data.trim(), interval: TASK_NOMINAL_INTERVAL_S }, via, count);
  switch (type) {
    case TaskType.HttpGet:
    case TaskType.IcmpPing:
    case TaskType.TcpPing: {
      const kind = type === TaskType.HttpGet ? 'http' : type === TaskType.IcmpPing ? 'icmp' : 'tcp';
      const parsed = shape(kind);
      return parsed.ok ? { action: 'measure', probe: parsed.value } : { action: 'fail', message: `invalid ${taskTypeName(type)} target: ${parsed.reason}` };
    }
    case TaskType.Keepalive:
    case TaskType.ReportHostInfo:
      return { action: 'ignore' };
    default:
      return { action: 'fail', message: `${taskTypeName(type)} task refused: ${REFUSAL}` };
  }
}
