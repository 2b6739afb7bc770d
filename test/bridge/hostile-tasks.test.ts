/**
 * A Komari that hands one router 5 000 ping tasks at a 1 s interval: that router runs 50
 * (said once), and every router — that one included — keeps its report cadence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
afterEach(async () => {
  await fleet?.close();
});

describe('a hostile Komari task list', () => {
  it('5 000 tasks for one router: reports keep their cadence everywhere, the cap is said once, memory stays bounded', async () => {
    fleet = await createFleet({ routers: 3 });
    const flooded = fleet.komari.nodes.get(fleet.routers[1]!.token);
    expect(flooded).toBeDefined();
    for (let i = 1; i <= 5000; i++) flooded!.pingTasks.push({ id: i, name: `t${i}`, type: 'tcp', target: `127.0.0.1:${(i % 50) + 1}`, interval: 1 });
    const heapBefore = process.memoryUsage().heapUsed;
    await fleet.start();
    for (let cycle = 1; cycle <= 8; cycle++) {
      // Per router its poll loop and its task-list refresh, the state flusher, and r1's 50 task cadences.
      await fleet.step(cycle === 1 ? 0 : 5000, 2 * 3 + 1 + 50);
      await new Promise((resolve) => setTimeout(resolve, 50)); // real time for the task runs' probes and posts
      for (const r of ['r0', 'r1', 'r2']) expect(fleet.reports(r), `${r} after cycle ${cycle}`).toHaveLength(cycle);
    }
    const capLines = fleet.log.lines().filter((l) => l.level === 40 && String(l.msg).includes('ping tasks: only the first 50 run'));
    expect(capLines).toHaveLength(1);
    expect(String(capLines[0]!.msg)).toContain('5000');
    // The router's logger already names it: the line carries the key once, as valid JSON should.
    const raw = fleet.log.text().split('\n').find((l) => l.includes('ping tasks: only the first 50 run'));
    expect(raw?.match(/"router":/g)).toHaveLength(1);
    expect(fleet.komari.received.pingResults.length).toBeGreaterThan(0);
    expect(new Set(fleet.komari.received.pingResults.map((r) => (r.body as { task_id: number }).task_id)).size).toBeLessThanOrEqual(50);
    // Bounded: far below the hundreds of MB an unbounded list took.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
