/**
 * kill -9 during saves: a child process saves one router in a tight loop and is killed with
 * SIGKILL at a varying point; the file must then load, with a state at least as new as the
 * last save the child reported complete. No sleeping: the kill is triggered by the child's
 * own progress lines, and the test waits for the child's exit event.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStateStore } from '../../src/state/store.js';
import { tempDir } from './support/temp-dir.js';

const REGISTER = fileURLToPath(new URL('./support/register-ts.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./support/save-loop.ts', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
let child: ChildProcess | undefined;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await cleanup();
});

/** Runs the save loop until `killAfter` saves were reported, then SIGKILLs it. Returns the last reported save. */
function saveUntilKilled(killAfter: number): Promise<{ lastReported: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', REGISTER, CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let lastReported = 0;
    let buffered = '';
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const n = Number(line.replace('saved ', ''));
        if (Number.isInteger(n)) lastReported = n;
      }
      if (lastReported >= killAfter && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ lastReported, signal });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('state file under SIGKILL', () => {
  it.each([40, 157, 333])('loads a whole, recent state after the writer is killed after %i saves', async (killAfter) => {
    const { lastReported, signal } = await saveUntilKilled(killAfter);
    expect(signal).toBe('SIGKILL');
    expect(lastReported).toBeGreaterThanOrEqual(killAfter);

    const state = await createStateStore(dir).load('r1');
    // Loaded, not moved aside as corrupt.
    expect(state).toBeDefined();
    expect((await readdir(dir)).filter((f) => f.includes('corrupt'))).toEqual([]);
    const n = Number(state!.traffic!.totalUpBytes);
    // A save the child reported is on disk; at most the one in flight came after it.
    expect(n).toBeGreaterThanOrEqual(lastReported);
    // And the document is one save's content throughout, not a mix of two.
    expect(state!.komari?.token).toBe(`t${n}`);
    expect(Object.keys(state!.traffic!.interfaces)).toHaveLength(300);
    expect(state!.traffic!.interfaces.ether299).toEqual({ id: '*299', rx: String(n * 1000 + 299), tx: String(n * 2000 + 299) });
  });
});
