import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load.js';

const root = join(import.meta.dirname, '../../deploy/kubernetes');

describe('deploy/kubernetes', () => {
  it('the ConfigMap holds a cluster config the real loader accepts with the Secret’s variables', async () => {
    const cm = parseAllDocuments(readFileSync(join(root, 'configmap.yaml'), 'utf8'))[0]!.toJS() as { data: Record<string, string> };
    const secret = parseAllDocuments(readFileSync(join(root, 'secret.yaml'), 'utf8'))[0]!.toJS() as { stringData: Record<string, string> };
    const dir = mkdtempSync(join(tmpdir(), 'tikprobe-k8s-'));
    try {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, cm.data['config.yaml']!);
      const config = await loadConfig(file, secret.stringData);
      expect(config.cluster).toEqual({ postgres: 'postgres://tikprobe:change-me@postgres.tikprobe.svc:5432/tikprobe', heartbeat: 1000, deadAfter: 5000 });
      expect(config.routers.map((r) => r.name)).toEqual(['core-01', 'core-02']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('probes /healthz on the status port the config listens on, and limits disruption to one pod', () => {
    const deployment = readFileSync(join(root, 'deployment.yaml'), 'utf8');
    expect(deployment.match(/path: \/healthz, port: status/g)).toHaveLength(2);
    expect(deployment).toContain('containerPort: 9464');
    expect(readFileSync(join(root, 'pdb.yaml'), 'utf8')).toContain('maxUnavailable: 1');
  });
});
