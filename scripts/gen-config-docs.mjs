#!/usr/bin/env node
// Writes docs/configuration.md from the built schema. Run after `npm run build`:
//   npm run build && node scripts/gen-config-docs.mjs
// test/deploy/config-docs.test.ts fails while the committed file differs from this output.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../dist/config/docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'configuration.md');
writeFileSync(target, renderConfigDocs());
process.stdout.write(`wrote ${target}\n`);
