/** What a router's first poll asks: each menu once (a fleet's start-up is all first polls). */
import { afterEach, describe, expect, it } from 'vitest';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

describe('the first poll', () => {
  it('reads /system/routerboard once: the device identity and basic info share the reply', async () => {
    fleet = await createFleet({ routers: 1 });
    await fleet.start();
    await fleet.step(0, 3);
    expect(fleet.reports('r0')).toHaveLength(1);
    const fake = fleet.routers[0]!.fake;
    expect(fake.count('GET', 'system/routerboard')).toBe(1);
    expect(fake.count('GET', 'system/identity')).toBe(1);
    const view = fleet.running!.bridge.view()[0]!;
    expect(view.lastSample?.info.model).toBe('C52iG-5HaxD2HaxD');
    expect(view.accounting?.deviceId).toMatch(/^serial:/);
  });
});
