/**
 * Child process for the kill -9 test: saves one router's state in a tight loop, each save a
 * little different, and reports every completed save on stdout as `saved <n>`. It never
 * exits by itself; the test kills it.
 */
import type { TrafficState } from '../../../src/accounting/traffic.js';
import { createStateStore } from '../../../src/state/store.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: save-loop.ts <dir>');
const store = createStateStore(dir);

function stateFor(n: number): TrafficState {
  // Many interfaces, so the file is tens of kilobytes and a torn write would show.
  const interfaces: TrafficState['interfaces'] = {};
  for (let i = 0; i < 300; i++) interfaces[`ether${i}`] = { id: `*${i}`, rx: String(n * 1000 + i), tx: String(n * 2000 + i) };
  return { interfaces, totalUpBytes: BigInt(n), totalDownBytes: BigInt(n * 2), lastAtMs: 1_700_000_000_000 + n, lastUptimeS: n, periodStart: '2024-05-01' };
}

for (let n = 1; ; n++) {
  await store.save('r1', { version: 1, traffic: stateFor(n), komari: { uuid: 'u', token: `t${n}` } });
  process.stdout.write(`saved ${n}\n`);
}
