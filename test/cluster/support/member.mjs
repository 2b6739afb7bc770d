/**
 * A replica reduced to its coordinator (the built one), for tests that kill a member: it never
 * gets to release anything. Prints `held <n>` after every change of its buckets.
 *   node member.mjs <postgres url> <member id>
 */
import { Coordinator } from '../../../dist/cluster/coordinator.js';
import { createLogger } from '../../../dist/log.js';

const [url, memberId] = process.argv.slice(2);
const coordinator = new Coordinator({ url, memberId, heartbeatMs: 200, deadAfterMs: 1500, logger: createLogger({ level: 'silent' }) });
coordinator.onChange(async (owned) => {
  process.stdout.write(`held ${owned.size}\n`);
});
await coordinator.start();
