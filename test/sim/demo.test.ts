import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Bridge, RouterView } from '@tikprobe/sim/bridge-view.js';
import { runDemo } from '@tikprobe/sim/demo.js';

/** Collects what the demo writes; aborts after the first table. */
function fakeOut(onWrite: (text: string) => void): NodeJS.WriteStream {
  const write = (t: string) => {
    onWrite(t);
    return true;
  };
  return { isTTY: false, write } as unknown as NodeJS.WriteStream;
}

describe('runDemo', () => {
  it('starts the bridge on a config that loads, shows the table, and cleans everything up on abort', async () => {
    const controller = new AbortController();
    const written: string[] = [];
    let configFile = '';
    let stopped = 0;
    let routerUrls: string[] = [];
    await runDemo({
      signal: controller.signal,
      refreshMs: 60_000,
      out: fakeOut((t) => {
        written.push(t);
        controller.abort();
      }),
      startBridge: async (file): Promise<Bridge> => {
        configFile = file;
        const config = await loadConfig(file, {});
        routerUrls = config.routers.map((r) => r.url);
        const views: RouterView[] = config.routers.map((r) => ({ name: r.name, state: 'starting', lastSample: undefined, lastError: undefined, lastPing: undefined }));
        return {
          view: () => views,
          stop: async () => {
            stopped++;
          },
        };
      },
    });
    expect(routerUrls).toHaveLength(3);
    expect(routerUrls.every((u) => u.startsWith('https://127.0.1.'))).toBe(true);
    const text = written.join('');
    expect(text).toMatch(/ROUTER\s+STATE/);
    expect(text).toContain('sim-0003');
    expect(text).toContain('Komari receiver http://127.0.0.1:');
    expect(stopped).toBe(1);
    expect(existsSync(dirname(configFile))).toBe(false);
  });

  it('does nothing when aborted before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    let started = false;
    await runDemo({
      signal: controller.signal,
      out: fakeOut(() => undefined),
      startBridge: async () => {
        started = true;
        return { view: () => [], stop: async () => undefined };
      },
    });
    expect(started).toBe(false);
  });

  it('cleans up and rethrows when the bridge cannot start', async () => {
    let configFile = '';
    await expect(
      runDemo({
        signal: new AbortController().signal,
        out: fakeOut(() => undefined),
        startBridge: async (file) => {
          configFile = file;
          throw new Error('bridge refused');
        },
      }),
    ).rejects.toThrow('bridge refused');
    expect(existsSync(dirname(configFile))).toBe(false);
  });
});
