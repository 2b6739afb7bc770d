/**
 * Accounting events through the whole bridge (RouterOS fake → poller → accounting → Komari
 * fake): a hardware swap behind the router's address and an uptime glitch. What a dashboard
 * sees must stay true: totals never fall and never jump, no rate spike, one warning, reports go on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KomariReport } from '../../src/integrations/komari/payload.js';
import type { FakeInterface } from '../fakes/routeros.js';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

const TIMERS = 3; // the router's loop, its Komari ping-task refresh, the state flusher
const MB = 1_000_000n;

/** One report interval: the router counts `rx`/`tx` bytes and its uptime grows by 5 s, then the bridge polls. */
async function interval(ether1: FakeInterface, rx: bigint, tx: bigint): Promise<void> {
  const fake = fleet.routers[0]!.fake;
  ether1.rxBytes += rx;
  ether1.txBytes += tx;
  fake.state.resource.uptimeS += 5;
  await fleet.advance(5000);
  await fleet.clock.idle(TIMERS);
  await fleet.delivered();
}

/** Starts the bridge and lets the first poll (the baseline) report. */
async function start(): Promise<void> {
  await fleet.start();
  await fleet.advance(0);
  await fleet.clock.idle(TIMERS);
  await fleet.delivered();
}

function totals(r: KomariReport): [number, number] {
  return [r.network.totalUp, r.network.totalDown];
}

/** Totals never fall, and no report's totals or rates exceed what the router really counted since the previous one. */
function expectSteady(reports: KomariReport[], maxStepBytes: number): void {
  for (let i = 1; i < reports.length; i++) {
    const [up0, down0] = totals(reports[i - 1]!);
    const [up1, down1] = totals(reports[i]!);
    expect(up1, `report ${i}`).toBeGreaterThanOrEqual(up0);
    expect(down1, `report ${i}`).toBeGreaterThanOrEqual(down0);
    expect(up1 - up0, `report ${i}`).toBeLessThanOrEqual(maxStepBytes);
    expect(down1 - down0, `report ${i}`).toBeLessThanOrEqual(maxStepBytes);
    expect(reports[i]!.network.up, `report ${i}`).toBeLessThanOrEqual(maxStepBytes / 5);
    expect(reports[i]!.network.down, `report ${i}`).toBeLessThanOrEqual(maxStepBytes / 5);
  }
}

function warnings(msg: string): Record<string, unknown>[] {
  return fleet.log.lines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith(msg));
}

describe('accounting events through the bridge', () => {
  it('a device swap behind the address adds none of the new unit’s counters and reporting goes on', async () => {
    fleet = await createFleet({ routers: 1 });
    const fake = fleet.routers[0]!.fake;
    const ether1 = fake.state.interfaces.find((i) => i.name === 'ether1')!;
    await start();
    for (let i = 0; i < 3; i++) await interval(ether1, 2n * MB, MB);
    expect(totals(fleet.reports('r0').at(-1)!)).toEqual([3_000_000, 6_000_000]);

    // Another hAP at the same address: its own serial, its own counters, a short uptime.
    // Its counters are above the old ones by less than the link ceiling allows in 5 s, and the
    // uptime drop alone (counters still "growing") would read as a glitch: only the device
    // identity tells the two units apart.
    fake.state.routerboard = { ...fake.state.routerboard!, 'serial-number': 'HGX0BBBBBBB' };
    ether1.id = '*1';
    ether1.rxBytes += 40_000_000_000n;
    ether1.txBytes += 30_000_000_000n;
    fake.state.resource.uptimeS = 600;
    await interval(ether1, 0n, 0n);
    const atSwap = fleet.reports('r0').at(-1)!;
    expect(totals(atSwap)).toEqual([3_000_000, 6_000_000]);
    expect([atSwap.network.up, atSwap.network.down]).toEqual([0, 0]);

    // The new unit's own traffic from here on counts.
    for (let i = 0; i < 3; i++) await interval(ether1, MB, 500_000n);
    const reports = fleet.reports('r0');
    expect(totals(reports.at(-1)!)).toEqual([4_500_000, 9_000_000]);
    expect(reports.at(-1)!.network).toMatchObject({ up: 100_000, down: 200_000 });
    expectSteady(reports, 2_000_000);
    expect(reports).toHaveLength(8);

    const said = warnings('a different device answers at this router');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ previousDeviceId: 'serial:HGX0AAAAAAA', deviceId: 'serial:HGX0BBBBBBB' });
    expect(warnings('the router\'s uptime jumped')).toHaveLength(0);
    fleet.komari.assertNoViolations();
  });

  it('an uptime glitch (uptime drops, counters keep counting) is said once and the deltas continue', async () => {
    fleet = await createFleet({ routers: 1 });
    const fake = fleet.routers[0]!.fake;
    const ether1 = fake.state.interfaces.find((i) => i.name === 'ether1')!;
    await start();
    for (let i = 0; i < 3; i++) await interval(ether1, MB, MB);

    // The uptime falls from 4375 s to 100 s while the same unit's counters keep counting.
    fake.state.resource.uptimeS = 95;
    await interval(ether1, MB, 2n * MB);
    const atGlitch = fleet.reports('r0').at(-1)!;
    expect(totals(atGlitch)).toEqual([5_000_000, 4_000_000]);
    expect(atGlitch.network).toMatchObject({ up: 400_000, down: 200_000 });

    for (let i = 0; i < 3; i++) await interval(ether1, MB, MB);
    const reports = fleet.reports('r0');
    expect(totals(reports.at(-1)!)).toEqual([8_000_000, 7_000_000]);
    expectSteady(reports, 2_000_000);
    expect(reports).toHaveLength(8);

    const said = warnings('the router\'s uptime jumped but its counters kept counting');
    expect(said).toHaveLength(1);
    expect(said[0]!.event).toMatchObject({ kind: 'uptime-glitch', uptimeS: 100, previousUptimeS: 4375 });
    // The same serial was read again at once, so no swap is suspected.
    expect(warnings('a different device answers')).toHaveLength(0);
    expect(fake.count('GET', 'system/routerboard')).toBeGreaterThanOrEqual(2);
    fleet.komari.assertNoViolations();
  });
});
