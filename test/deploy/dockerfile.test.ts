// biome-ignore-all lint/suspicious/noTemplateCurlyInString: a Dockerfile ${ARG} is literal text here
/**
 * A lint of the Dockerfile by reading it (no Docker engine is needed): its stages, what the
 * final stage contains and how the container runs. The image itself is exercised by
 * test/deploy/docker-smoke.sh where an engine exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped, grouped by stage. */
function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const lines = text.split('\n');
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i]!;
    if (/^\s*(#|$)/.test(current)) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue;
      current = `${current.slice(0, -1)} ${next.trim()}`;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(current);
    if (!m) throw new Error(`cannot read Dockerfile line ${start + 1}: ${current}`);
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`bad FROM on line ${ins.line}`);
      stages.push({ from: m[1]!, name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      args.push(ins);
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const build = dockerfile.stages.find((s) => s.name === 'build')!;
const final = dockerfile.stages.at(-1)!;
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const runText = (stage: Stage) => all(stage, 'RUN').map((i) => i.args).join('\n');
const TOOLCHAIN = /\b(g\+\+|gcc|make|python3|build-base|build-essential|node-gyp|npm ci|npm install|npm rebuild)\b/;

describe('Dockerfile', () => {
  it('is multi-stage, both stages on one base image so the native addon matches the runtime ABI', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(dockerfile.args.map((a) => a.args)).toContain('NODE_IMAGE=node:20-alpine');
    for (const s of dockerfile.stages) expect(s.from).toBe('${NODE_IMAGE}');
  });

  it('builds net-ping’s raw-socket addon with the toolchain in the build stage only', () => {
    const text = runText(build);
    expect(text).toMatch(/apk add --no-cache python3 make g\+\+/);
    expect(text).toContain('npm ci --ignore-scripts');
    expect(text).toContain('npm rebuild raw-socket');
    expect(text).toContain('test -f node_modules/raw-socket/build/Release/raw.node');
    expect(text).toContain('test -f node_modules/unix-dgram/build/Release/unix_dgram.node');
    expect(text).toContain('npm prune --omit=dev');
  });

  it('has no toolchain in the final stage: only production files come from the build stage', () => {
    expect(runText(final)).not.toMatch(TOOLCHAIN);
    const copies = all(final, 'COPY').map((i) => i.args);
    for (const c of copies.filter((c) => c.startsWith('--from='))) {
      expect(c).toMatch(/^--from=build \/app\/(package\.json|node_modules|dist) /);
    }
    expect(copies.some((c) => c.includes('/app/src') || c.startsWith('src'))).toBe(false);
  });

  it('runs as a numeric non-root user', () => {
    const users = all(final, 'USER');
    expect(users).toHaveLength(1);
    const user = users[0]!.args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user.split(':')[0]).not.toBe('0');
    // USER comes after every RUN, so nothing later runs as root by accident.
    const lastRun = Math.max(...all(final, 'RUN').map((i) => i.line));
    expect(users[0]!.line).toBeGreaterThan(lastRun);
  });

  it('gives node CAP_NET_RAW as a file capability in the final stage, with setcap removed in the same layer', () => {
    const run = all(final, 'RUN').find((i) => i.args.includes('setcap'))!;
    expect(run.args).toMatch(/apk add --no-cache --virtual \.setcap libcap-setcap/);
    expect(run.args).toMatch(/setcap cap_net_raw\+ep "\$\(readlink -f \/usr\/local\/bin\/node\)"/);
    expect(run.args).toMatch(/apk del \.setcap/);
  });

  it('runs tikprobe under tini with the config at /config/tikprobe.yaml and state in the /data volume', () => {
    expect(runText(final)).toContain('apk add --no-cache tini');
    expect(all(final, 'ENTRYPOINT')[0]?.args).toBe('["/sbin/tini", "--", "node", "/app/dist/cli.js"]');
    expect(all(final, 'CMD')[0]?.args).toBe('["run"]');
    const env = all(final, 'ENV').map((i) => i.args).join(' ');
    expect(env).toContain('TIKPROBE_CONFIG=/config/tikprobe.yaml');
    expect(env).toContain('STATE_DIRECTORY=/data');
    expect(all(final, 'VOLUME')[0]?.args).toBe('["/data"]');
    expect(runText(final)).toMatch(/chown 10001:10001 \/data/);
  });

  it('starts Node.js with the same V8 memory settings as the systemd unit (the ones the benchmarks measured)', () => {
    const unit = readFileSync(join(ROOT, 'systemd', 'tikprobe.service'), 'utf8');
    const unitOptions = /^Environment=NODE_OPTIONS=(.+)$/m.exec(unit)?.[1];
    expect(unitOptions).toMatch(/--max-semi-space-size=\d+/);
    const env = all(final, 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(new RegExp(`\\bNODE_OPTIONS=${unitOptions!.replace(/[-=]/g, '\\$&')}(\\s|$)`));
  });

  it('checks health against /healthz with busybox wget, not a second Node.js process', () => {
    const hc = all(final, 'HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]!.args).toMatch(/CMD \["wget", .*"http:\/\/127\.0\.0\.1:9464\/healthz"\]$/);
    expect(hc[0]!.args).not.toMatch(/\bnode\b/);
  });

  it('carries the OCI labels', () => {
    const labels = all(final, 'LABEL').map((i) => i.args).join(' ');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'created', 'source']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
  });

  it('has no architecture-specific step, so buildx builds amd64 and arm64 from the same file', () => {
    const instructions = [...dockerfile.args, ...dockerfile.stages.flatMap((s) => [{ args: s.from }, ...s.instructions])];
    for (const i of instructions) expect(i.args).not.toMatch(/amd64|arm64|x86_64|aarch64|armv7|TARGETARCH|TARGETPLATFORM|--platform/i);
  });
});

describe('.dockerignore', () => {
  it('sends only the sources the build reads: no node_modules, dist, state, configs or secrets', () => {
    const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe('*');
    expect(lines.slice(1).sort()).toEqual(['!config.example.yaml', '!package-lock.json', '!package.json', '!proto', '!src', '!tsconfig.build.json', '!tsconfig.json']);
    // Everything the stages COPY from the context is allowed in, and exists.
    const fromContext = [...all(build, 'COPY'), ...all(final, 'COPY')].map((i) => i.args).filter((c) => !c.startsWith('--from='));
    for (const c of fromContext) {
      for (const src of c.split(/\s+/).slice(0, -1)) {
        expect(lines, src).toContain(`!${src}`);
        expect(existsSync(join(ROOT, src)), src).toBe(true);
      }
    }
  });
});
