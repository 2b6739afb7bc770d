import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RouterView } from '../../src/bridge/router-runner.js';
import type { ClusterView } from '../../src/cluster/backend.js';
import { clusterFamilies } from '../../src/cluster/cluster-section.js';
import { LoadMonitor } from '../../src/bridge/load-monitor.js';
import { createMetricsRegistry } from '../../src/status/metrics.js';
import { bufferLogger } from '../support/log-buffer.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const DOCS = ['docs/deployment.md', 'docs/metrics.md', 'docs/troubleshooting.md', 'docs/raspberry-pi.md'];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    );
  }
  return out;
}

describe('deployment docs', () => {
  it.each(DOCS)('%s links only to files and headings that exist', (doc) => {
    const text = read(doc);
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, anchor] = target!.split('#');
      const path = file === '' ? join(ROOT, doc) : join(ROOT, dirname(doc), file!);
      expect(existsSync(path), `${doc} → ${target}`).toBe(true);
      if (anchor !== undefined && path.endsWith('.md')) expect(anchors(readFileSync(path, 'utf8')).has(anchor), `${doc} → ${target}`).toBe(true);
    }
  });

  it('troubleshooting.md explains every error code tikprobe can report', () => {
    const codes = [...read('src/errors.ts').matchAll(/^\s+\| '([A-Z_]+)'/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    const headings = [...read('docs/troubleshooting.md').matchAll(/^### `([A-Z_]+)`$/gm)].map((m) => m[1]!);
    for (const code of [...codes, 'UNEXPECTED']) expect(headings, code).toContain(code);
  });

  it('metrics.md documents every metric family /metrics exposes', () => {
    const metrics = createMetricsRegistry();
    const view: RouterView = {
      name: 'r',
      state: 'up',
      lastSample: undefined,
      lastSuccessAt: 1,
      lastError: undefined,
      lastErrorCode: undefined,
      lastPollMs: 1,
      degraded: [],
      lastPing: undefined,
      parts: [],
    };
    const cluster: ClusterView = {
      memberId: 'm',
      members: ['m'],
      buckets: 1024,
      events: [],
      totals: { acquired: { events: 1, buckets: 1024 }, released: { events: 0, buckets: 0 }, lost: { events: 0, buckets: 0 } },
      stateWrites: 0,
      stateWritesRefused: 0,
      fencing: { session: 'ok', lastHeartbeatAt: 1, heartbeatMs: 1000, deadAfterMs: 5000 },
    };
    // The bridge's load section, with every family it can expose populated.
    const load = new LoadMonitor({ now: () => 0, cpuBusyMs: () => 0, slots: () => ({ active: 0, waiting: 0, busyMs: 0, waitedMs: 0, waited: 0, size: 1 }), logger: bufferLogger().logger });
    load.ledger.join(5000);
    const text = [...metrics.exposition({ views: [view], healthy: true, version: 'x', startedAt: 0, extra: [...clusterFamilies(cluster, 1), ...load.metrics()] })].join('');
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    const doc = read('docs/metrics.md');
    for (const name of names) {
      // Pairs are written once, e.g. `tikprobe_router_memory_total_bytes`, `…_memory_free_bytes`.
      const short = name.replace(/^tikprobe_router_/, '…_');
      expect(doc.includes(`\`${name}\``) || doc.includes(`\`${short}\``), name).toBe(true);
    }
  });

  it('names the files that exist in the repository', () => {
    for (const path of ['Dockerfile', 'compose.yaml', 'systemd/tikprobe.service', 'config.example.yaml', 'test/deploy/docker-smoke.sh']) {
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      expect(read('docs/deployment.md')).toContain(path.split('/').at(-1)!);
    }
  });
});
