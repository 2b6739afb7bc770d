/** The ping tasks the demo's receiver hands every node: one of each kind, all on loopback. Pure. */
import type { PingTask } from './komari-receiver.js';

export function demoTasks(receiverUrl: string): PingTask[] {
  const { host } = new URL(receiverUrl);
  return [
    // Router-side ICMP: the simulated router answers for its own loopback.
    { id: 1, name: 'icmp loopback', type: 'icmp', target: '127.0.0.1', interval: 10 },
    { id: 2, name: 'tcp receiver', type: 'tcp', target: host, interval: 15 },
    { id: 3, name: 'http receiver', type: 'http', target: `${receiverUrl}/ping`, interval: 20 },
  ];
}
