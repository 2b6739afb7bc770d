/**
 * Komari ping tasks as a per-router feature: for every router that reports to Komari, a
 * PingScheduler fed by that node's task list. Bridge-side ICMP (one raw-socket holder for
 * the whole process) and the HTTP prober come from the composition root, shared with Nezha.
 */
import { type BridgeObserver, nullObserver } from '../telemetry.js';
import type { RouterExtra } from '../bridge/router-unit.js';
import type { Config } from '../config/schema.js';
import type { SharedProbes } from '../main.js';
import { PingScheduler } from '../integrations/komari/ping-scheduler.js';
import type { PingResult, PingTaskSource } from '../integrations/komari/task-source.js';
import type { KomariClient } from '../integrations/komari/client.js';
import { TikprobeError } from '../errors.js';

export function pingTaskExtra(config: Config, probes: SharedProbes, observer: BridgeObserver = nullObserver): RouterExtra[] {
  if (!config.komari) return [];
  return [
    {
      attach({ router, rest, runner, komariSink, komariClient, logger: routerLogger }) {
        if (!komariSink || !komariClient) return undefined;
        const scheduler = new PingScheduler({
          router: router.name,
          source: komariTaskSource(komariClient, () => komariSink.token(), (r) => observer.pingResult(router.name, r.ping_type, r.value)),
          rest,
          via: router.ping.via,
          count: router.ping.count,
          pingTasksIntervalMs: router.intervals.pingTasks,
          isRouterUp: () => runner.isUp(),
          logger: routerLogger.child({ component: 'ping' }),
          bridgeIcmp: probes.icmp,
          http: probes.http,
        });
        runner.pingStatus = () => latestPing(scheduler);
        scheduler.start();
        return { stop: () => scheduler.stop() };
      },
      // The probes belong to the process (main.ts closes them).
      async close() {},
    },
  ];
}

/** The most recent result of any task, for status views. */
function latestPing(scheduler: PingScheduler): { value: number; at: number } | undefined {
  let best: { value: number; at: number } | undefined;
  for (const r of scheduler.lastResults()) {
    const at = Date.parse(r.finishedAt);
    if (!best || at > best.at) best = { value: r.value, at };
  }
  return best;
}

/** The node's task list and result endpoint, with the token the Komari sink resolved. */
function komariTaskSource(
  client: KomariClient,
  token: () => string | undefined,
  onResult: (result: PingResult) => void,
): PingTaskSource {
  // A result is retried with the same object: count each one once.
  const counted = new WeakSet<PingResult>();
  const need = () => {
    const t = token();
    if (t === undefined) throw new TikprobeError('KOMARI_AUTH', 'no Komari token yet (registration pending)');
    return t;
  };
  return {
    fetchTasks: (signal) => client.getPingTasks(need(), signal),
    sendResult: (result, signal) => {
      if (!counted.has(result)) {
        counted.add(result);
        onResult(result);
      }
      return client.postPingResult(need(), result, signal);
    },
  };
}
