/**
 * The accounting ceiling of an interface is its negotiated link rate when the ethernet
 * collector has read it, else `traffic.maxLinkMbps`: a counter step that a 1 Gbit/s port
 * cannot carry in 5 s is not traffic (another device, a bad reading), even though it is far
 * below the 100 Gbit/s default.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fullRouterMenus } from '../fakes/routeros-menus.js';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

const GB = 1_000_000_000n;

async function step(ms: number): Promise<void> {
  await fleet.advance(ms);
  await fleet.clock.idle(3); // the router loop, its Komari ping-task refresh, the state flusher
  await fleet.delivered();
  const running = () => fleet.running?.bridge.view().some((v) => v.extended?.running) ?? false;
  await vi.waitFor(() => expect(running()).toBe(false), { timeout: 5_000, interval: 2 });
}

async function jumpReport(ethernet: boolean): Promise<{ before: number; after: number; events: number }> {
  const extraYaml = `  collectors:\n    ethernet: { enabled: ${ethernet}, every: 15s }\n`;
  fleet = await createFleet({ routers: 1, state: () => ({ menus: fullRouterMenus() }), extraYaml });
  const ether1 = fleet.routers[0]!.fake.state.interfaces.find((i) => i.name === 'ether1')!;
  await fleet.start();
  await step(0);
  for (let i = 0; i < 4; i++) {
    fleet.routers[0]!.fake.state.resource.uptimeS += 5;
    await step(5000);
  }
  const before = fleet.reports('r0').at(-1)!.network.totalDown;
  // 2 GB in 5 s: 3.2 Gbit/s, more than a 1 Gbit/s port carries, far less than 100 Gbit/s.
  ether1.rxBytes += 2n * GB;
  fleet.routers[0]!.fake.state.resource.uptimeS += 5;
  await step(5000);
  const after = fleet.reports('r0').at(-1)!.network.totalDown;
  const events = fleet.log.lines().filter((l) => String(l.msg).includes('counter step above what the link can carry')).length;
  return { before, after, events };
}

describe('the accounting ceiling per interface', () => {
  it('uses the negotiated rate the ethernet collector read: a step above 1 Gbit/s × 5 s is a new baseline, said once', async () => {
    const r = await jumpReport(true);
    expect(r.after).toBe(r.before);
    expect(r.events).toBe(1);
  });

  it('without that reading the configured ceiling (100 Gbit/s) applies and the step counts', async () => {
    const r = await jumpReport(false);
    expect(r.after - r.before).toBe(2_000_000_000);
    expect(r.events).toBe(0);
  });
});
