/**
 * Connection counts every `intervals.connections` (30 s = 6 cycles at 5 s), each router at a
 * phase of its own after its first poll, so a fleet's counts do not all fall on one cycle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

/** For each of `polls` cycles: did the poll count connections? */
async function countingCycles(random: number, polls: number): Promise<boolean[]> {
  fleet = await createFleet({ routers: 1, random: () => random });
  const fake = fleet.routers[0]!.fake;
  await fleet.start();
  // The first poll falls at `random` × one interval after the start.
  fleet.clock.advance(Math.floor(random * 5000));
  const seen: boolean[] = [];
  for (let i = 0; i < polls; i++) {
    const before = fake.count('POST', 'ip/firewall/connection/print');
    await fleet.clock.idle(3);
    await fleet.delivered();
    seen.push(fake.count('POST', 'ip/firewall/connection/print') > before);
    fleet.clock.advance(5000);
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
