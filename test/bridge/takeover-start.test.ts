/**
 * When the first poll of a started router comes: spread over its first report interval at a
 * cold start and on an ordinary reload (a large fleet must not poll in lockstep), at once for
 * routers taken over from another cluster replica (the dashboards are counting the gap).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createFleet, type Fleet, fleetYaml, PASSWORD } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

/** The fleet's configuration with its first `n` routers. */
function firstRouters(n: number): Promise<Config> {
  const yaml = fleetYaml(fleet.routers.slice(0, n), fleet.komariServer.url, fleet.stateDir, '1s', '');
  return loadConfigText(yaml, 'fleet.yaml', { ROUTER_PASSWORD: PASSWORD });
}

const polls = (i: number) => fleet.routers[i]!.fake.count('GET', 'system/resource');

/** Advances the clock and waits until `timers` timers are scheduled again (every tick that fired has finished). */
describe('first poll of a started router', () => {
  it('is spread over the first interval at a cold start and a reload, and comes at once for a takeover', async () => {
    // random 0.9: a spread start puts the first poll 4.5 s into the 5 s report interval.
    fleet = await createFleet({ routers: 3, random: () => 0.9 });
    fleet.config = await firstRouters(1);
    await fleet.start();
    await fleet.step(0, 2); // r0: its poll loop and its Komari task-list refresh
    expect(polls(0)).toBe(0);
    await fleet.step(4499, 2);
    expect(polls(0)).toBe(0);
    await fleet.step(1, 3); // + the state flusher, armed by the first poll's baseline (written within 1 s)
    expect(polls(0)).toBe(1);
    expect(fleet.reports('r0')).toHaveLength(1);

    // An ordinary reload (SIGHUP, or buckets that never had an owner): spread like a cold start.
    await fleet.running!.bridge.reload(await firstRouters(2));
    await fleet.step(0, 5);
    expect(polls(1)).toBe(0);
    await fleet.step(4499, 4); // r0's baseline written: the flusher idle
    expect(polls(1)).toBe(0);
    await fleet.step(1, 5);
    expect(polls(1)).toBe(1);

    // Taken over from another replica: polled and reported at once, the clock not moved at all.
    const summary = await fleet.running!.bridge.reload(await firstRouters(3), { start: 'takeover' });
    expect(summary.added).toEqual(['r2']);
    await fleet.step(0, 7);
    expect(polls(2)).toBe(1);
    expect(fleet.reports('r2')).toHaveLength(1);
    // The routers already running keep their cadence.
    expect([polls(0), polls(1)]).toEqual([1, 1]);
    await fleet.step(5000, 7);
    expect([polls(0), polls(1), polls(2)]).toEqual([2, 2, 2]);
  });
});
