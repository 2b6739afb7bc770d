/**
 * The tasks a Nezha dashboard sends one router's node: ICMP, TCP and HTTP probes are run
 * (the router's own ping or this host's, by the probes every integration shares) and
 * answered with the agent's own result layout; anything that would execute something
 * (commands, terminals, files, upgrades) is refused. At most MAX_TASKS_IN_FLIGHT run at once.
 */
import { errorMessage } from '../../errors.js';
import type { Probe } from '../../probes/kinds.js';
import { routerPingTimeoutMs } from '../../probes/kinds.js';
import type { IntegrationEvent, MonitorType } from '../../telemetry.js';
import type { NezhaConnection } from './connection.js';
import type { NezhaTask } from './proto.js';
import type { NezhaSinkDeps } from './sink-deps.js';
import { planTask, TASK_NOMINAL_INTERVAL_S, TASK_TIMEOUT_MS, TaskType, taskTypeName } from './tasks.js';
import type { CancelSignal } from '../../time/cancel.js';

const MAX_TASKS_IN_FLIGHT = 8;

type RunnerDeps = Pick<NezhaSinkDeps, 'router' | 'ping' | 'logger' | 'clock' | 'telemetry' | 'isRouterUp' | 'measure' | 'httpGet'>;

export class NezhaTaskRunner {
  private tasksInFlight = 0;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly onEvent: (what: IntegrationEvent) => void,
  ) {}

  /** Answers one task from the dashboard: a probe it may run, or a refusal. Never throws. */
  handle(conn: NezhaConnection, signal: CancelSignal, task: NezhaTask): void {
    const plan = planTask(task.type, task.data, this.deps.ping.via, this.deps.ping.count);
    if (plan.action === 'ignore') return;
    if (plan.action === 'fail') {
      if (task.type !== TaskType.HttpGet && task.type !== TaskType.IcmpPing && task.type !== TaskType.TcpPing) {
        this.deps.logger.info({ taskId: task.id, type: task.type }, `refused a Nezha ${taskTypeName(task.type)} task for router "${this.deps.router}": tikprobe never executes anything on request`);
      }
      this.sendTaskResult(conn, { id: task.id, type: task.type, delay: 0, data: plan.message, successful: false });
      return;
    }
    if (this.tasksInFlight >= MAX_TASKS_IN_FLIGHT) {
      this.sendTaskResult(conn, { id: task.id, type: task.type, delay: 0, data: 'too many tasks in flight for this router; skipped', successful: false });
      return;
    }
    this.tasksInFlight++;
    void this.runProbe(conn, signal, task, plan.probe).finally(() => {
      this.tasksInFlight--;
    });
  }

  private async runProbe(conn: NezhaConnection, signal: CancelSignal, task: NezhaTask, probe: Probe): Promise<void> {
    const at = this.deps.clock.now();
    const { delay, data, ok } = await this.measureTask(probe, signal);
    if (signal.aborted) return;
    this.deps.telemetry.monitorResult?.(this.deps.router, { source: 'nezha', id: task.id, name: monitorName(task), type: monitorType(task.type) }, at, ok ? delay : undefined);
    this.sendTaskResult(conn, { id: task.id, type: task.type, delay: delay ?? 0, data, successful: ok });
  }

  private sendTaskResult(conn: NezhaConnection, result: Parameters<NezhaConnection['sendTaskResult']>[0]): void {
    conn.sendTaskResult(result);
    this.onEvent('task_result');
  }

  /** The agent's answer: a success's delay (and for HTTPS the certificate data), or the failure text. */
  private async measureTask(probe: Probe, signal: CancelSignal): Promise<{ delay: number | undefined; data: string; ok: boolean }> {
    if (probe.kind === 'router-icmp' && !this.deps.isRouterUp()) return { delay: undefined, data: 'the router cannot be reached by tikprobe right now', ok: false };
    const timeoutMs = probe.kind === 'router-icmp' ? routerPingTimeoutMs(probe.count, TASK_NOMINAL_INTERVAL_S) : TASK_TIMEOUT_MS;
    try {
      if (probe.kind === 'http' && this.deps.httpGet !== undefined) {
        const outcome = await this.deps.httpGet(probe.url, { signal, timeoutMs });
        // As the agent: a failure still carries the delay when there was an answer.
        return outcome.ok ? { delay: outcome.delayMs, data: outcome.certificate ?? '', ok: true } : { delay: outcome.delayMs, data: outcome.reason, ok: false };
      }
      const delay = await this.deps.measure(probe, { signal, timeoutMs });
      return delay === undefined ? { delay, data: lossText(probe), ok: false } : { delay, data: '', ok: true };
    } catch (err) {
      return { delay: undefined, data: errorMessage(err), ok: false };
    }
  }
}

function monitorType(type: number): MonitorType {
  return type === TaskType.IcmpPing ? 'icmp' : type === TaskType.TcpPing ? 'tcp' : 'http';
}

function lossText(probe: Probe): string {
  switch (probe.kind) {
    case 'router-icmp':
    case 'bridge-icmp':
      return `no reply from ${probe.host}`;
    case 'tcp':
      return `cannot connect to ${probe.address.host}:${probe.address.port}`;
    case 'http':
      return 'no 2xx/3xx answer within 10 s';
  }
}

function monitorName(task: NezhaTask): string {
  return `${taskTypeName(task.type)} ${task.data.trim()}`.slice(0, 120);
}
