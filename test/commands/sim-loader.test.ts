/**
 * `demo` and `simulate` load the simulator workspace lazily. A production install (the
 * published package, the image) has no @tikprobe/sim: the commands then exit 1 with one
 * precise sentence. The module contract the CLI relies on is checked against the real package.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimDemoModule, SimSimulateModule } from '../../src/commands/sim-loader.js';
import { loadSim } from '../../src/commands/sim-loader.js';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

describe('loadSim', () => {
  it('returns the simulator modules, which fit the contract the CLI uses', async () => {
    // Type-checked against the real package: a change in the simulator's signatures fails `npm run typecheck`.
    const demo: SimDemoModule = await loadSim<typeof import('@tikprobe/sim/demo.js')>('demo', (s) => import(/* @vite-ignore */ s));
    const simulate: SimSimulateModule = await loadSim<typeof import('@tikprobe/sim/simulate.js')>('simulate', (s) => import(/* @vite-ignore */ s));
    expect(typeof demo.runDemo).toBe('function');
    expect(typeof simulate.runSimulate).toBe('function');
  });

  it('lets any other import failure through unchanged', async () => {
    const boom = new Error('SyntaxError in the simulator');
    await expect(loadSim('demo', async () => Promise.reject(boom))).rejects.toBe(boom);
  });
});

const built = existsSync(join(ROOT, 'dist', 'cli.js'));
if (!built) console.warn('sim-loader.test: dist/cli.js is missing (run `npm run build`): the production-install check is skipped');

describe.skipIf(!built)('the built CLI without the simulator (a production install)', () => {
  let dir = '';
  beforeAll(async () => {
    // dist/ and package.json with every dependency except the @tikprobe workspace.
    dir = await mkdtemp(join(tmpdir(), 'tikprobe-prod-'));
    await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
    await mkdir(join(dir, 'node_modules'));
    for (const name of await readdir(join(ROOT, 'node_modules'))) {
      if (name !== '@tikprobe' && name !== '.bin') await symlink(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
    }
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  for (const command of ['demo', 'simulate']) {
    it(`"tikprobe ${command}" exits 1 saying it needs a source checkout`, async () => {
      const failed = await run(process.execPath, [join(dir, 'dist', 'cli.js'), command], { cwd: dir }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr.trim()).toBe(
        `tikprobe ${command}: this command needs a source checkout, because installed packages and the image do not contain the simulator: run \`npm ci\` in the tikprobe repository, then \`npm run demo\` there`,
      );
    });
  }
});
