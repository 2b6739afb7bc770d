/** Loads configuration text against an in-memory file system, as if from /etc/tikprobe. */
import { expect } from 'vitest';
import type { ConfigIssue } from '../../src/errors.js';
import { ConfigError } from '../../src/errors.js';
import { type Env, loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export const CONFIG_FILE = '/etc/tikprobe/config.yaml';

export interface FakeFiles {
  files?: Record<string, string>;
  /** Paths the loader asked for, in order. */
  reads?: string[];
}

export function load(text: string, env: Env = {}, fake: FakeFiles = {}): Promise<Config> {
  const files = fake.files ?? {};
  return loadConfigText(text, CONFIG_FILE, env, {
    cwd: '/home/op',
    readFile: async (path) => {
      fake.reads?.push(path);
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return content;
    },
  });
}

/** The issues of the ConfigError the promise rejects with. */
export async function issuesOf(promise: Promise<unknown>): Promise<ConfigIssue[]> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues;
}

/** Issues as `line path: message`, the way they read, without the file name. */
export function lines(issues: readonly ConfigIssue[]): string[] {
  return issues.map((i) => `${i.line ?? '-'} ${i.path}: ${i.message}`);
}

/** A minimal valid file; `extra` is appended to the first router. */
export function minimal(routerExtra = '', topExtra = ''): string {
  return `version: 1
komari:
  url: https://komari.example.com
${topExtra}routers:
  - name: gw
    url: https://192.168.88.1
    username: monitor
    password: pw
    komari: { token: tok }
${routerExtra}`;
}
