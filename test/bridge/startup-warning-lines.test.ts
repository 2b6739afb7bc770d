/**
 * A startup warning of thousands of routers (every router on plain http) goes through the
 * fleet's lines like any condition of many routers: five lines with their router, then one
 * summary with how many more; a few routers get a line each, as alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { LINES_PER_WINDOW } from '../../src/fleet-lines.js';
import { type RunningBridge, startBridge } from '../../src/main.js';
import { bufferLogger } from '../support/log-buffer.js';
import { ManualClock } from '../support/manual-clock.js';

const PLAIN = 'plain http: the RouterOS password crosses the network unencrypted';

let running: RunningBridge | undefined;
let dir: string | undefined;
afterEach(async () => {
  await running?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  running = dir = undefined;
});

/** Starts a bridge of `count` plain-http routers (nothing listens: the clock never moves, no poll is sent) and stops it. */
async function startAndStop(count: number): Promise<Record<string, unknown>[]> {
  dir = mkdtempSync(join(tmpdir(), 'tikprobe-warnings-'));
  const routers = Array.from({ length: count }, (_, i) => `  - name: p${i}\n    url: http://127.0.0.1:9\n    komari: { token: Tok${String(i).padStart(4, '0')}b2C3d4E5f6G7h8I9j0 }`).join('\n');
  const yaml = `version: 1\nkomari:\n  url: http://127.0.0.1:9\nstate:\n  dir: ${dir}\ndefaults:\n  username: tikprobe\n  password: \${ROUTER_PASSWORD}\nrouters:\n${routers}\n`;
  const config = await loadConfigText(yaml, 'warnings.yaml', { ROUTER_PASSWORD: 'pw' });
  const log = bufferLogger();
  running = await startBridge(config, { logger: log.logger, version: '0.0.0-test', clock: new ManualClock(), random: () => 0 });
  await running.stop();
  running = undefined;
  return log.lines();
}

describe('startup warnings of many routers', () => {
  it('are five lines with their router and one summary of the rest', async () => {
    const lines = await startAndStop(40);
    const each = lines.filter((l) => l.msg === PLAIN);
    const first = Array.from({ length: LINES_PER_WINDOW }, (_, i) => `p${i}`);
    expect(each.filter((l) => l.level === 40).map((l) => l.router)).toEqual(first);
    const summary = lines.filter((l) => l.topic === PLAIN);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ level: 40, more: 40 - LINES_PER_WINDOW });
  });

  it('are a line each for a few routers, with no summary', async () => {
    const lines = await startAndStop(3);
    expect(lines.filter((l) => l.msg === PLAIN).map((l) => l.router)).toEqual(['p0', 'p1', 'p2']);
    expect(lines.filter((l) => l.topic === PLAIN)).toEqual([]);
  });
});
