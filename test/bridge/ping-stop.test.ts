/**
 * Komari ping tasks run on the bridge's clock: while they are active every task holds one
 * timer on it, and `running.stop()` leaves none — no task cadence, no task-list refresh, no
 * poll, no retry — and nothing is probed, fetched or posted afterwards, even a run that was
 * hanging in flight when the stop came.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFleet, type Fleet } from './fleet.js';

let fleet: Fleet | undefined;
let target: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  await fleet?.close();
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise((resolve) => (target ? target.close(resolve) : resolve(undefined)));
  fleet = target = undefined;
});

/** A TCP target that accepts and holds every connection, counting them. */
async function listening(): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const server = createServer((s) => {
    accepted += 1;
    sockets.add(s);
    s.on('error', () => {});
  });
  target = server;
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return { port, accepted: () => accepted };
}

describe('Komari ping tasks and shutdown', () => {
  it('after running.stop() with ping tasks active, no timer remains on the clock and nothing more is probed or sent', async () => {
    const tcp = await listening();
    const f = await createFleet({ routers: 2 });
    fleet = f;
    for (const [i, r] of f.routers.entries()) {
      f.komari.addPingTask(r.token, { id: 10 + i, name: `tcp ${i}`, type: 'tcp', target: `127.0.0.1:${tcp.port}`, interval: 1 });
      // An HTTP task whose target never answers: its run is in flight when the stop comes.
      f.komari.addPingTask(r.token, { id: 20 + i, name: `hang ${i}`, type: 'http', target: `http://127.0.0.1:${tcp.port}/`, interval: 30 });
    }
    const running = await f.start();
    // Per router: its poll loop, its task-list refresh and its two task cadences; at the start
    // also the state flusher's first write, due within a second of the first poll.
    const loops = 2 * (1 + 1 + 2);
    f.clock.advance(0);
    await f.clock.idle(loops + 1);
    for (let i = 0; i < 2; i++) {
      f.clock.advance(1000);
      await f.clock.idle(loops);
    }
    await expect.poll(() => f.komari.received.pingResults.length, { timeout: 5000, interval: 10 }).toBeGreaterThanOrEqual(2);
    expect(f.clock.pending()).toBe(loops);
    const taskIds = new Set(f.komari.received.pingResults.map((r) => (r.body as { task_id: number }).task_id));
    expect(taskIds).toEqual(new Set([10, 11]));

    await running.stop();
    expect(f.clock.pending()).toBe(0);

    // A run in flight goes on until the parts stop (after the state is saved); a connection it
    // opened just before may reach the target's accept a moment after the stop returned.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const results = f.komari.received.pingResults.length;
    const accepted = tcp.accepted();
    f.clock.advance(120_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(f.clock.pending()).toBe(0);
    expect(f.komari.received.pingResults.length).toBe(results);
    expect(tcp.accepted()).toBe(accepted);
  });
});
