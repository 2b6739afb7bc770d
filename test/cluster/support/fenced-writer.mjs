/**
 * A replica reduced to its fencing: holds buckets through the built Coordinator and writes
 * one router's state every 100 ms, twice: through the normal fenced store, and with the
 * epoch it first took the bucket at (as a replica that missed the takeover would). Prints
 * one line per attempt: `<n> normal ok|refused`, `<n> stale ok|refused`, `owned <buckets>`.
 *   node fenced-writer.mjs <postgres url> <member id> <router>
 */
import { bucketOf } from '../../../dist/cluster/buckets.js';
import { Coordinator } from '../../../dist/cluster/coordinator.js';
import { PgStateStore } from '../../../dist/cluster/pg-state.js';
import { createLogger } from '../../../dist/log.js';

const [url, memberId, router] = process.argv.slice(2);
const logger = createLogger({ level: 'silent' });
const coordinator = new Coordinator({ url, memberId, heartbeatMs: 200, deadAfterMs: 1500, logger });
await coordinator.start();
const bucket = bucketOf(router);
const firstEpoch = coordinator.epochOf(bucket);
const normal = new PgStateStore(url, coordinator, logger);
const stale = new PgStateStore(url, { memberId, epochOf: () => firstEpoch }, logger);
process.stdout.write(`ready epoch ${firstEpoch}\n`);
let n = 0;
setInterval(() => {
  n++;
  const state = { version: 1, nezhaBootTimeS: 1_000_000 + n };
  const say = (kind) => (result) => process.stdout.write(`${n} ${kind} ${result}\n`);
  void normal
    .save(router, state).then(() => 'ok', () => 'refused').then(say('normal'));
  void stale
    .save(router, state).then(() => 'ok', () => 'refused').then(say('stale'));
  process.stdout.write(`owned ${coordinator.owned().size}\n`);
}, 100);
