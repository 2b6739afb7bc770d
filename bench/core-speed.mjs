/**
 * How steady this machine's core is: one fixed unit of work (objects, a map, JSON: the kind of
 * work the bridge does) once a second, and the CPU time each took. On a machine whose cores
 * change speed (other tenants of the host) the same unit costs visibly more in some seconds
 * than in others, and every CPU share the fleet benchmark measures moves with it: run this
 * before reading a fleet run's CPU target, on the core the bridge runs on.
 *
 *   taskset -c 1 node bench/core-speed.mjs [--seconds 40]
 */
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '40' } } });
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 3) throw new Error('--seconds: a whole number, at least 3');

function unit() {
  const map = new Map();
  let length = 0;
  for (let i = 0; i < 300_000; i++) {
    const o = { a: i, b: String(i) };
    map.set(i & 1023, o);
    length += JSON.stringify(o).length;
  }
  return length;
}

unit(); // the JIT's turn
const ms = [];
for (let s = 0; s < seconds; s++) {
  const before = cpuUsage();
  unit();
  const used = cpuUsage(before);
  ms.push((used.user + used.system) / 1000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
const sorted = [...ms].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(`unit CPU ms, one a second: ${ms.map((x) => x.toFixed(0)).join(' ')}`);
console.log(`fastest ${at(0).toFixed(1)}, median ${at(0.5).toFixed(1)}, slowest ${at(1).toFixed(1)} ms: the slowest second took ${(at(1) / at(0)).toFixed(2)} × the fastest`);
