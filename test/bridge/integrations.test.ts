/**
 * The integration contract through the real composition root: a test integration plugs in
 * through the same list as Komari, a faulty one changes nothing for the others at any step
 * of its life, and a dashboard that never answers neither delays a poll nor touches health.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { INTEGRATIONS } from '../../src/main.js';
import type { RouterSample } from '../../src/model.js';
import { startSystemdLifecycle } from '../../src/systemd/lifecycle.js';
import { createFaulty, createRecorder, type Step } from '../integrations/recorder/index.js';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

const TIMERS = (routers: number) => 2 * routers + 1; // per router its poll loop and its Komari task-list refresh, + the state flusher

describe('the integration contract', () => {
  it('a test integration registered beside Komari receives every router sample, and Komari still reports', async () => {
    const samples: RouterSample[] = [];
    fleet = await createFleet({ routers: 2, integrations: () => [...INTEGRATIONS, createRecorder(samples)] });
    await fleet.start();
    await fleet.step(0, TIMERS(2));
    for (let i = 0; i < 3; i++) await fleet.step(5000, TIMERS(2));
    expect(samples.filter((s) => s.router === 'r0')).toHaveLength(4);
    expect(samples.filter((s) => s.router === 'r1')).toHaveLength(4);
    expect(fleet.reports('r0')).toHaveLength(4);
    expect(fleet.running!.bridge.view()[0]!.parts.map((p) => p.integration)).toEqual(['komari', 'recorder']);
  });

  for (const faulty of ['create', 'attach', 'start', 'offer', 'stop'] as Step[]) {
    it(`a part that throws in ${faulty} changes nothing for the others and leaves no timer or poll after stop`, async () => {
      const samples: RouterSample[] = [];
      fleet = await createFleet({ routers: 2, integrations: (clock) => [...INTEGRATIONS, createFaulty(faulty, clock), createRecorder(samples)] });
      await fleet.start();
      await fleet.step(0, TIMERS(2) + (faulty === 'offer' || faulty === 'stop' ? 2 : 0));
      await fleet.step(5000, TIMERS(2) + (faulty === 'offer' || faulty === 'stop' ? 2 : 0));
      expect(fleet.reports('r0')).toHaveLength(2);
      expect(fleet.reports('r1')).toHaveLength(2);
      expect(samples).toHaveLength(4);
      if (faulty !== 'stop') expect(fleet.log.text()).toContain(`faulty ${faulty}`);
      await fleet.running!.stop();
      if (faulty === 'stop') expect(fleet.log.text()).toContain('faulty stop');
      expect(fleet.clock.pending()).toBe(0);
      const polls = fleet.routers.map((r) => r.fake.count('GET', 'system/resource'));
      fleet.clock.advance(60_000);
      await new Promise((r) => setTimeout(r, 20));
      expect(fleet.routers.map((r) => r.fake.count('GET', 'system/resource'))).toEqual(polls);
    });
  }

  it('a Komari that never answers delays no poll, leaves health and the watchdog alone, and shows in the part view', async () => {
    fleet = await createFleet({ routers: 2 });
    fleet.komari.fault('basicInfo', 'timeout');
    fleet.komari.fault('report', 'timeout');
    const running = await fleet.start();
    const messages: string[] = [];
    const notifier = { active: true, watchdogUsec: 10_000_000, send: (m: string) => void messages.push(m), close: () => undefined };
    const life = startSystemdLifecycle(notifier, running.bridge, running.startedAt, fleet.clock);
    await fleet.step(0, TIMERS(2) + 1, false);
    await fleet.komari.nextHang();
    for (let i = 0; i < 12; i++) {
      await fleet.step(5000, TIMERS(2) + 1, false);
      expect(running.bridge.healthy(fleet.clock.now(), running.startedAt)).toBe(true);
    }
    // 60 s at a 5 s cadence: 13 polls of each router, although no report ever got an answer.
    expect(fleet.routers.map((r) => r.fake.count('GET', 'system/resource'))).toEqual([13, 13]);
    expect(messages.filter((m) => m === 'WATCHDOG=1')).toHaveLength(12);
    const part = running.bridge.view()[0]!.parts[0]!;
    expect(part).toMatchObject({ integration: 'komari', sending: true, lastSuccessAt: undefined });
    expect(part.queueAgeMs).toBeGreaterThanOrEqual(60_000);
    // Latest sample wins: no queue grows while Komari hangs.
    expect(part.dropped).toBeGreaterThanOrEqual(11);
    life.close();
    fleet.komari.releaseHung();
  });
});
