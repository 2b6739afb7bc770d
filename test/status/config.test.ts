// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are configuration text, where ${VAR} is literal
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { fileSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

const yaml = (status: string) => `version: 1
komari:
  url: https://komari.example.com
${status}
routers:
  - name: r1
    url: https://192.0.2.1
    username: u
    password: p
    komari: { token: abc }
`;

async function issues(text: string, env: Record<string, string> = {}): Promise<string[]> {
  try {
    await loadConfigText(text, 'tikprobe.yaml', env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    throw err;
  }
}

describe('the status section of the configuration', () => {
  it('is accepted with a loopback address and a token from the environment', async () => {
    const text = yaml('status:\n  listen: 127.0.0.1:9464\n  token: ${TIKPROBE_STATUS_TOKEN}');
    expect(await issues(text, { TIKPROBE_STATUS_TOKEN: 'x'.repeat(32) })).toEqual([]);
    expect(fileSchema.parse({ version: 1, routers: [{}], status: { listen: '[::1]:9464' } }).status).toEqual({ listen: '[::1]:9464' });
  });

  it('is optional: absent means no status server', async () => {
    expect(await issues(yaml(''))).toEqual([]);
    expect(fileSchema.parse({ version: 1, routers: [{}] }).status).toBeUndefined();
  });

  it('names a bad address, a short token and an unknown key on their lines, and never shows the token', async () => {
    const text = yaml('status:\n  listen: 127.0.0.1\n  token: short-secret\n  port: 9464');
    expect(await issues(text)).toEqual([
      '5 status.listen: must be host:port, e.g. 127.0.0.1:9464 or [::1]:9464 (port 1–65535)',
      '6 status.token: must be at least 16 characters',
      expect.stringMatching(/^7 status: unknown key "port"/),
    ]);
    expect((await issues(text)).join('\n')).not.toContain('short-secret');
  });
});
