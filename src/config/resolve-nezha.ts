/**
 * Turns a checked `nezha:` section into what the Nezha sink runs on: `secretFile` read
 * (trailing newline trimmed). Problems name the file, never its contents.
 */
import type { IssueList } from './issue-list.js';
import { placeOf } from './place.js';
import type { FileConfig, NezhaConfig } from './schema.js';
import type { ConfigFiles } from './secret-files.js';
import type { YamlSource } from './yaml-source.js';

export async function resolveNezha(
  ctx: { src: YamlSource; issues: IssueList; files: ConfigFiles; secrets: string[] },
  nezha: NonNullable<FileConfig['nezha']>,
): Promise<NezhaConfig | undefined> {
  let secret = nezha.secret;
  if (secret === undefined && nezha.secretFile !== undefined) {
    const got = await ctx.files.readSecret(nezha.secretFile);
    if (!got.ok) {
      ctx.issues.add({ path: 'nezha.secretFile', line: placeOf(ctx.src, ['nezha', 'secretFile']).line, message: got.message });
      return undefined;
    }
    ctx.secrets.push(got.text);
    secret = got.text;
  }
  if (secret === undefined) return undefined;
  return { server: nezha.server, tls: nezha.tls, insecureTls: nezha.insecureTls, secret, reportInterval: nezha.reportInterval };
}
