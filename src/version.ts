import { createRequire } from 'node:module';

/** tikprobe's own version, from package.json (one level above both src/ and dist/). */
export function readVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require('../package.json') as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
