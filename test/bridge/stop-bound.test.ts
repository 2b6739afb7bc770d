/**
 * Stop is bounded once the state is saved: an integration whose parts and client never finish
 * closing (a saturated dashboard, thousands of sockets) cannot hold the exit past the deadline.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_AFTER_FLUSH_MS } from '../../src/bridge/bridge.js';
import type { IntegrationFactory, RouterPart } from '../../src/integrations/contract.js';
import { INTEGRATIONS } from '../../src/main.js';
import { createFleet, type Fleet } from './fleet.js';

const never = () => new Promise<void>(() => undefined);

/** An integration whose parts do nothing but stop with `stop`, and whose client closes with `close`. */
function stoppingWith(name: string, stop: () => Promise<void>, close: () => Promise<void> = async () => undefined): IntegrationFactory {
  return () => ({
    name,
    attach: (): RouterPart => ({
      start: () => undefined,
      offer: () => undefined,
      stop,
      status: () => ({ lastSuccessAt: undefined, lastErrorAt: undefined, lastError: undefined, sending: false, queueAgeMs: 0, dropped: 0 }),
    }),
    close,
  });
}

/** Parts that never finish stopping, and a client that never finishes closing. */
const stuck = stoppingWith('stuck', never, never);

let fleet: Fleet;
afterEach(async () => {
  fleet.running = undefined;
  await fleet?.close();
});

describe('bridge stop', () => {
  it('saves the state, then waits at most CLOSE_AFTER_FLUSH_MS for parts and clients that never close, and says so', async () => {
    fleet = await createFleet({ routers: 2, integrations: () => [...INTEGRATIONS, stuck] });
    const running = await fleet.start();
    await fleet.step(0, 5);
    expect(fleet.reports('r0')).toHaveLength(1);

    let stopped = false;
    const stopping = running.stop().then(() => {
      stopped = true;
    });
    // The state is on disk before the wait for the stuck closes begins.
    await until(() => readdirSync(fleet.stateDir).includes('routers.state'));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    fleet.clock.advance(CLOSE_AFTER_FLUSH_MS - 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    fleet.clock.advance(1);
    await stopping;
    expect(fleet.log.text()).toContain('state saved; connections still closing are left to the exit');
  });

  it('saves the state before it stops any part, then stops the routers in slices that leave the event loop its turn', async () => {
    const ROUTERS = 3;
    const savedAtPartStop: boolean[] = [];
    let turnAfter: number | undefined;
    // Each part's stop costs 4 ms of CPU: three in one go would hold the loop for 12 ms.
    const slow = stoppingWith('slow', async () => {
      if (savedAtPartStop.length === 0) setImmediate(() => (turnAfter = savedAtPartStop.length));
      savedAtPartStop.push(readdirSync(fleet.stateDir).includes('routers.state'));
      const end = performance.now() + 4;
      while (performance.now() < end);
    });
    fleet = await createFleet({ routers: ROUTERS, integrations: () => [...INTEGRATIONS, slow] });
    const running = await fleet.start();
    await fleet.step(0, 5);
    expect(fleet.routers.map((r) => fleet.reports(r.name).length)).toEqual([1, 1, 1]);
    await running.stop();
    expect(savedAtPartStop).toEqual(Array.from({ length: ROUTERS }, () => true));
    // The loop had its turn after the first slice (5 ms: two parts), not after all three.
    expect(turnAfter).toBeGreaterThan(0);
    expect(turnAfter).toBeLessThan(ROUTERS);
  });

  it('stops the parts also when the save fails, and the stop fails with the save\'s error', async () => {
    let partsStopped = 0;
    const counting = stoppingWith('counting', async () => {
      partsStopped += 1;
    });
    fleet = await createFleet({ routers: 2, integrations: () => [...INTEGRATIONS, counting] });
    const running = await fleet.start();
    await fleet.step(0, 5);
    expect(fleet.reports('r1')).toHaveLength(1);
    // The state directory is gone, a file in its place: the save cannot be written.
    rmSync(fleet.stateDir, { recursive: true, force: true });
    writeFileSync(fleet.stateDir, '');
    await expect(running.stop()).rejects.toThrow(/cannot write state file/);
    expect(partsStopped).toBe(2);
    expect(fleet.clock.pending()).toBe(0);
  });

  it('says nothing when everything closes in time', async () => {
    fleet = await createFleet({ routers: 1 });
    const running = await fleet.start();
    await fleet.step(0, 3);
    await running.stop();
    expect(fleet.log.text()).not.toContain('left to the exit');
    expect(fleet.clock.pending()).toBe(0);
  });
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}
