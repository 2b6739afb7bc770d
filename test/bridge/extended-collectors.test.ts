/**
 * The extended collectors through the whole bridge on a manual clock: the request budget per
 * router with every collector on, and a hanging collector that never delays the 5 s report.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fullRouterMenus } from '../fakes/routeros-menus.js';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

async function step(ms: number, settle = true): Promise<void> {
  await fleet.advance(ms);
  await fleet.clock.idle(3); // one router loop, its Komari task-list refresh, the state flusher
  await fleet.delivered();
  // Let background extended runs settle so the counts of this cycle are complete.
  const running = () => fleet.running?.bridge.view().some((v) => v.extended?.running) ?? false;
  if (settle) await vi.waitFor(() => expect(running()).toBe(false), { timeout: 5_000, interval: 2 });
}

const ALL_ON = `  collectors:
    health: { enabled: true }
    interfaces: { enabled: true }
    ethernet: { enabled: true }
    ppp: { enabled: true }
    dhcp: { enabled: true }
    wireless: { enabled: true }
    wireguard: { enabled: true }
    updates: { enabled: true }`;

const total = (f: Fleet) => [...f.routers[0]!.fake.counts.values()].reduce((a, b) => a + b, 0);

describe('extended collectors through the bridge', () => {
  it('every collector on: within the documented budget per minute and per 5 s cycle', async () => {
    fleet = await createFleet({ routers: 1, state: () => ({ menus: fullRouterMenus() }), extraYaml: ALL_ON });
    await fleet.start();
    await step(0);
    const perCycle: number[] = [];
    let last = total(fleet);
    for (let i = 0; i < 24; i++) {
      await step(5_000);
      const now = total(fleet);
      perCycle.push(now - last);
      last = now;
    }
    const secondMinute = perCycle.slice(12).reduce((a, b) => a + b, 0);
    // docs/metrics.md: basic <= 4 per cycle (28 a minute), extended <= 2 more per cycle and <= 20 a minute.
    expect(Math.max(...perCycle)).toBeLessThanOrEqual(6);
    expect(secondMinute).toBeLessThanOrEqual(28 + 20);
    const view = fleet.running!.bridge.view()[0]!;
    expect(view.extended?.collectors.every((c) => c.state === 'ok')).toBe(true);
    expect(view.lastSample?.health.find((s) => s.name === 'cpu-temperature')?.value).toBe(53);
    // Counted, never listed.
    expect(fleet.routers[0]!.fake.count('GET', 'ip/dhcp-server/lease')).toBe(0);
  });

  it('a hanging extended collector never delays the 5 s report', async () => {
    fleet = await createFleet({ routers: 1, state: () => ({ menus: fullRouterMenus() }), extraYaml: ALL_ON });
    fleet.routers[0]!.fake.fault('system/health', 'timeout');
    await fleet.start();
    // The hung read ends at the router timeout (1 s), always below the 5 s interval: in real time it is
    // over before the next poll, so each step lets it end as those 5 s would (the router has one connection).
    await step(0);
    for (let i = 1; i <= 6; i++) {
      await step(5_000);
      expect(fleet.reports('r0')).toHaveLength(i + 1);
    }
    const view = fleet.running!.bridge.view()[0]!;
    expect(view.state).toBe('up');
    expect(view.extended?.collectors.find((c) => c.name === 'health')?.state).not.toBe('ok');
  });
});
