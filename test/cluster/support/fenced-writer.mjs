/**
 * A replica reduced to its fencing: holds buckets through the built Coordinator and, at every
 * tick (100 ms), writes one router's state twice: through the normal fenced store, and with
 * the epoch it first took the bucket at (as a replica that missed the takeover would).
 * Prints, with the tick's number n:
 *   `tick <n> owned <buckets>` when tick n has issued its two writes,
 *   `<n> normal ok|refused`, `<n> stale ok|refused` when they settle,
 *   `mark <n>` when it reads a line on stdin: writes of ticks after n were issued after that,
 *   `left <n>` when, after the mark, tick n found it holds nothing: it then stops its
 *   coordinator, so it cannot rejoin and rightly own buckets again.
 *   node fenced-writer.mjs <postgres url> <member id> <router>
 */
import { createInterface } from 'node:readline';
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
let marked = false;
let left = false;
createInterface({ input: process.stdin }).on('line', () => {
  marked = true;
  process.stdout.write(`mark ${n}\n`);
});
setInterval(() => {
  n++;
  const tick = n;
  const state = { version: 1, nezhaBootTimeS: 1_000_000 + tick };
  const say = (kind) => (result) => process.stdout.write(`${tick} ${kind} ${result}\n`);
  void normal.save(router, state).then(() => 'ok', () => 'refused').then(say('normal'));
  void stale.save(router, state).then(() => 'ok', () => 'refused').then(say('stale'));
  const owned = coordinator.owned().size;
  process.stdout.write(`tick ${tick} owned ${owned}\n`);
  if (marked && owned === 0 && !left) {
    left = true;
    process.stdout.write(`left ${tick}\n`);
    void coordinator.stop();
  }
}, 100);
