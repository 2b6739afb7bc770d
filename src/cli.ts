#!/usr/bin/env node
/** The executable: runs the CLI with the real process streams and environment. */
import { EXIT_FAILURE, main } from './commands/dispatch.js';
import { errorMessage } from './errors.js';

main(
  process.argv.slice(2),
  process.env,
  (t) => process.stdout.write(`${t}\n`),
  (t) => process.stderr.write(`${t}\n`),
).then(
  (code) => {
    if (code !== 'running') process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tikprobe: ${errorMessage(e)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
