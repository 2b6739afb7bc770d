import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../../dist/main.js');
/** A path inside one of the packages loaded only when configured. */
const PACKAGES = /node_modules\/(@grpc\/[^/]+|pg)\//;

/** Which of the gRPC and PostgreSQL packages a fresh Node has loaded after running `script`. */
function packagesLoadedAfter(script: string): string[] {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first (npm test does)');
  const program = `
    import { createRequire } from 'node:module';
    const main = await import(${JSON.stringify(MAIN)});
    ${script}
    const cache = createRequire(${JSON.stringify(MAIN)}).cache;
    const names = Object.keys(cache).flatMap((k) => k.match(${PACKAGES})?.[1] ?? []);
    console.log(JSON.stringify([...new Set(names)].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' }).trim()) as string[];
}

describe('packages loaded only when configured', () => {
  it('starting the bridge code loads neither the gRPC stack nor the PostgreSQL client', () => {
    expect(packagesLoadedAfter('void main;')).toEqual([]);
  });

  it('nor does the command users run: the CLI with every command it carries', () => {
    const cli = resolve(import.meta.dirname, '../../dist/cli.js');
    // A preload that lists, as the process exits, the packages it loaded.
    const dir = mkdtempSync(join(tmpdir(), 'tikprobe-lazy-'));
    const probe = join(dir, 'probe.mjs');
    writeFileSync(
      probe,
      `import { createRequire } from 'node:module';
      process.on('exit', () => {
        const names = Object.keys(createRequire(${JSON.stringify(cli)}).cache).flatMap((k) => k.match(PACKAGES)?.[1] ?? []);
        process.stderr.write('LOADED ' + JSON.stringify([...new Set(names)]) + '\\n');
      });
      const PACKAGES = ${PACKAGES};`,
    );
    try {
      const run = spawnSync(process.execPath, ['--import', probe, cli, '--version'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(run.stderr.match(/^LOADED (.*)$/m)?.[1]).toBe('[]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('building a Nezha dashboard loads the gRPC stack, a cluster store the PostgreSQL client', () => {
    const nezha = resolve(import.meta.dirname, '../../dist/integrations/nezha/dashboard.js');
    const pgState = resolve(import.meta.dirname, '../../dist/cluster/pg-lib.js');
    const script = `
      const { NezhaDashboard } = await import(${JSON.stringify(nezha)});
      const config = { server: '127.0.0.1:1', tls: false, insecureTls: false, secret: 's', reportInterval: 1000 };
      new NezhaDashboard(config, { child: () => ({}) }, 'test').metadata('u');
      (await import(${JSON.stringify(pgState)})).pgLib();`;
    expect(packagesLoadedAfter(script)).toEqual(['@grpc/grpc-js', '@grpc/proto-loader', 'pg']);
  });
});
