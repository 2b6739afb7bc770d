/**
 * Turns a checked `nezha:` section into what the Nezha sink runs on: `secretFile` read
 * (trailing newline trimmed). Problems name the file, never its contents.
 */
import { placeOf } from './place.js';
import type { ResolveContext } from './resolve-secrets.js';
import type { FileConfig, NezhaConfig } from './schema.js';

export async function resolveNezha(
  ctx: ResolveContext,
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
