/** The pure planner: due times, spread, and the documented burst with the default cadences. */
import { describe, expect, it } from 'vitest';
import { enabledEntries } from '../../src/collect/extended-runner.js';
import { dueAt, type PlanEntry, peakRequests, planSlots } from '../../src/collect/plan.js';
import { routerSchema } from '../../src/config/schema.js';

const names = ['health', 'interfaces', 'ethernet', 'ppp', 'dhcp', 'wireless', 'wireguard', 'updates'];
/** Every collector on at its default cadence. */
const defaults = routerSchema.parse({
  name: 'r',
  url: 'https://192.0.2.1',
  username: 'u',
  password: 'p',
  collectors: Object.fromEntries(names.map((n) => [n, { enabled: true }])),
}).collectors;

describe('planSlots', () => {
  it('runs each collector exactly once per period', () => {
    const slots = planSlots(enabledEntries(defaults), 5_000);
    for (const s of slots) {
      const runs = Array.from({ length: 720 }, (_, t) => dueAt(slots, t)).filter((d) => d.includes(s.name)).length;
      expect(runs).toBe(Math.ceil((720 - s.offset) / s.period));
    }
  });
  it('with every default collector on, no 5 s cycle carries more than 2 extended requests, about 16 a minute', () => {
    const slots = planSlots(enabledEntries(defaults), 5_000);
    expect(peakRequests(slots)).toBeLessThanOrEqual(2);
    const perMinute = Array.from({ length: 12 }, (_, t) => slots.filter((s) => dueAt([s], t + 12).length > 0).reduce((n, s) => n + s.requests, 0));
    expect(perMinute.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(16);
  });
  it('spreads collectors of the same period over different ticks', () => {
    const entries: PlanEntry[] = [
      { name: 'health', periodMs: 60_000 },
      { name: 'ppp', periodMs: 60_000 },
      { name: 'wireguard', periodMs: 60_000 },
    ];
    const offsets = planSlots(entries, 5_000).map((s) => s.offset);
    expect(new Set(offsets).size).toBe(3);
    expect(peakRequests(planSlots(entries, 5_000))).toBe(1);
  });
  it('keeps collectors off the ticks the basic poll reserved, at any phase of the connection counts', () => {
    for (const offset of [0, 1, 3, 5]) {
      const reserved = [{ period: 6, requests: 2, offset }, { period: Number.POSITIVE_INFINITY, requests: 2, offset: 0 }];
      const slots = planSlots(enabledEntries(defaults), 5_000, reserved);
      for (let t = 0; t < 720; t++) {
        const basic = (t >= offset && (t - offset) % 6 === 0 ? 2 : 0) + (t === 0 ? 2 : 0);
        const extended = slots.filter((s) => dueAt([s], t).length > 0).reduce((n, s) => n + s.requests, 0);
        // A reserved tick gets no extended collector while a free one is left in the period.
        if (basic > 0 && t > 0) expect(extended, `offset ${offset}, tick ${t}`).toBe(0);
      }
      expect(dueAt(slots, 0)).toEqual([]);
    }
  });
  it('is deterministic and honours disabled collectors', () => {
    const off = { ...defaults, wireless: { ...defaults.wireless, enabled: false } };
    const a = planSlots(enabledEntries(off), 5_000);
    expect(a).toEqual(planSlots(enabledEntries(off), 5_000));
    expect(a.map((s) => s.name)).not.toContain('wireless');
  });
  it('a period shorter than a tick still runs every tick', () => {
    const [s] = planSlots([{ name: 'interfaces', periodMs: 1_000 }], 5_000);
    expect(s?.period).toBe(1);
    expect(dueAt(planSlots([{ name: 'interfaces', periodMs: 1_000 }], 5_000), 7)).toEqual(['interfaces']);
  });
});
