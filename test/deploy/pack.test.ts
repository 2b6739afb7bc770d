/**
 * What `npm pack` would publish: the product only. The simulator is the private workspace
 * package packages/sim (@tikprobe/sim), a dev dependency, and none of its files may ship.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const built = existsSync(join(ROOT, 'dist', 'cli.js'));
if (!built) console.warn('pack.test: dist/cli.js is missing (run `npm run build`): the tarball check is skipped');

interface PackResult {
  files: { path: string }[];
}

describe.skipIf(!built)('npm pack', () => {
  it('lists the built product and no simulator file', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const [result] = JSON.parse(out) as PackResult[];
    const paths = result!.files.map((f) => f.path);
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('dist/commands/sim-loader.js');
    expect(paths.filter((p) => /(^|\/)sim\/|^packages\/|komari-receiver|sim-router|fleet-server/.test(p))).toEqual([]);
  });
});
