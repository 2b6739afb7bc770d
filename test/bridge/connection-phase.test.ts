/**
 * Connection counts every `intervals.connections` (30 s = 6 cycles at 5 s), each router at a
 * phase of its own after its first poll, so a fleet's counts do not all fall on one cycle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../routeros/fixture.js';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

/** For each of `polls` cycles: did the poll send `method path`? (default: count connections) */
async function countingCycles(random: number, polls: number, method = 'POST', path = 'ip/firewall/connection/print'): Promise<boolean[]> {
  fleet = await createFleet({
    routers: 1,
    random: () => random,
    // The poll's own health read: the extended health collector off, the router with sensors.
    defaults: '  collectors:\n    health:\n      enabled: false',
    state: () => ({ menus: { 'system/health': fixture('system_health__SYNTHETIC__manual-fields.json') as Record<string, string>[] } }),
  });
  const fake = fleet.routers[0]!.fake;
  await fleet.start();
  // The first poll falls at `random` × one interval after the start.
  await fleet.advance(Math.floor(random * 5000));
  const seen: boolean[] = [];
  for (let i = 0; i < polls; i++) {
    const before = fake.count(method, path);
    await fleet.clock.idle(3);
    await fleet.delivered();
    seen.push(fake.count(method, path) > before);
    await fleet.advance(5000);
  }
  expect(fleet.reports('r0')).toHaveLength(polls);
  return seen;
}

const cycles = (seen: boolean[]) => seen.flatMap((counted, i) => (counted ? [i] : []));

describe('connection counts', () => {
  it('phase 0: at the first poll and every 6th cycle after it', async () => {
    expect(cycles(await countingCycles(0, 14))).toEqual([0, 6, 12]);
  });

  it('phase 3: at the first poll, then 3 cycles later, then every 6th', async () => {
    expect(cycles(await countingCycles(0.5, 16))).toEqual([0, 3, 9, 15]);
  });
});

// The once-a-minute /system/health read (12 cycles at 5 s) has a phase of its own the same way:
// a fleet started together would otherwise read every router's sensors in one cycle a minute.
describe('health reads', () => {
  it('phase 0: at the first poll and every 12th cycle after it', async () => {
    expect(cycles(await countingCycles(0, 26, 'GET', 'system/health'))).toEqual([0, 12, 24]);
  });

  it('phase 6: at the first poll, then 6 cycles later, then every 12th', async () => {
    expect(cycles(await countingCycles(0.5, 20, 'GET', 'system/health'))).toEqual([0, 6, 18]);
  });
});
