/**
 * Stop is bounded once the state is saved: an integration whose parts and client never finish
 * closing (a saturated dashboard, thousands of sockets) cannot hold the exit past the deadline.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_AFTER_FLUSH_MS } from '../../src/bridge/bridge.js';
import type { IntegrationFactory, RouterPart } from '../../src/integrations/contract.js';
import { INTEGRATIONS } from '../../src/main.js';
import { createFleet, type Fleet } from './fleet.js';

const never = () => new Promise<void>(() => undefined);

/** Parts that never finish stopping, and a client that never finishes closing. */
const stuck: IntegrationFactory = () => ({
  name: 'stuck',
  attach: (): RouterPart => ({
    start: () => undefined,
    offer: () => undefined,
    stop: never,
    status: () => ({ lastSuccessAt: undefined, lastErrorAt: undefined, lastError: undefined, sending: false, queueAgeMs: 0, dropped: 0 }),
  }),
  close: never,
});

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
