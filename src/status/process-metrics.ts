/**
 * The conventional process collector (`process_*`, as every Prometheus client library
 * exports them) and Node.js runtime figures (`nodejs_*`). prom-client's defaults are not used:
 * they export gauges named `*_total` (`nodejs_active_handles_total` …), which
 * `promtool check metrics` flags. Linux-only figures (virtual memory, file descriptors) come
 * from /proc and are left out where it is missing. Reads are synchronous and cheap (one
 * scrape every few seconds at most).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricFamily, ScalarFamily } from './prom-text.js';

export interface ProcessCollector {
  families(): MetricFamily[];
}

const gauge = (name: string, help: string, value: number | undefined): ScalarFamily[] =>
  value === undefined || !Number.isFinite(value) ? [] : [{ name, help, type: 'gauge', samples: [{ labels: {}, value }] }];
const counter = (name: string, help: string, value: number): ScalarFamily => ({ name, help, type: 'counter', samples: [{ labels: {}, value }] });

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** /proc/self/stat field 23 (vsize, bytes); the name field may hold spaces, so count after ')'. */
function virtualMemoryBytes(): number | undefined {
  const stat = readOr(() => readFileSync('/proc/self/stat', 'utf8'));
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const v = Number(fields[20]);
  return Number.isFinite(v) ? v : undefined;
}

function maxFds(): number | undefined {
  const limits = readOr(() => readFileSync('/proc/self/limits', 'utf8'));
  const m = limits === undefined ? null : /^Max open files\s+(\d+)/m.exec(limits);
  return m ? Number(m[1]) : undefined;
}

export function createProcessCollector(now: () => number = Date.now): ProcessCollector {
  const startTimeS = Math.floor((now() - process.uptime() * 1000) / 1000);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  // The histogram must not keep the process alive or leak on reloads: one per process.
  const [major, minor, patch] = process.versions.node.split('.');
  return {
    families() {
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      const openFds = readOr(() => readdirSync('/proc/self/fd').length);
      const lagMean = lag.mean / 1e9;
      const lagP99 = lag.percentile(99) / 1e9;
      const lagMax = lag.max / 1e9;
      lag.reset();
      return [
        counter('process_cpu_user_seconds_total', 'User CPU time spent in seconds.', cpu.user / 1e6),
        counter('process_cpu_system_seconds_total', 'System CPU time spent in seconds.', cpu.system / 1e6),
        counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6),
        ...gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', startTimeS),
        ...gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss),
        ...gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', virtualMemoryBytes()),
        ...gauge('process_heap_bytes', 'Process heap size in bytes.', mem.heapTotal),
        ...gauge('process_open_fds', 'Number of open file descriptors.', openFds),
        ...gauge('process_max_fds', 'Maximum number of open file descriptors.', maxFds()),
        ...gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', mem.heapTotal),
        ...gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', mem.heapUsed),
        ...gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', mem.external),
        ...gauge('nodejs_eventloop_lag_mean_seconds', 'Mean event loop delay since the last scrape, in seconds.', lagMean),
        ...gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile of the event loop delay since the last scrape, in seconds.', lagP99),
        ...gauge('nodejs_eventloop_lag_max_seconds', 'Maximum event loop delay since the last scrape, in seconds.', lagMax),
        {
          name: 'nodejs_version_info',
          help: 'Node.js version info (always 1).',
          type: 'gauge',
          samples: [{ labels: { version: process.version, major: major ?? '', minor: minor ?? '', patch: patch ?? '' }, value: 1 }],
        },
      ];
    },
  };
}
