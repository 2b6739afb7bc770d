/**
 * Keeps the status server answerable under hostile clients. node's `maxConnections` refuses
 * the newest connection at the limit, so idle or slowloris sockets that reconnect as fast as
 * they are reaped lock out a health probe. Here the limit evicts instead: at the limit, the
 * connection that has been idle longest (accepted without a complete request yet, or a
 * keep-alive socket between requests) is destroyed to make room for the new one; only when
 * every connection is in the middle of a request is the new one refused. A health probe
 * connects and sends its request at once, so a flood of idle sockets cannot starve it.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface GuardStats {
  open: number;
  evicted: number;
  refused: number;
}

interface Tracked {
  /** Requests of this connection in progress (pipelining makes it possibly > 1). */
  busy: number;
  /** Epoch ms since which the connection has had no request in progress. */
  idleSince: number;
}

export function guardConnections(server: Server, limit: number, now: () => number = Date.now): () => GuardStats {
  const open = new Map<Socket, Tracked>();
  let evicted = 0;
  let refused = 0;

  const evictOldestIdle = (): boolean => {
    let oldest: Socket | undefined;
    let since = Number.POSITIVE_INFINITY;
    for (const [socket, t] of open) {
      if (t.busy === 0 && t.idleSince < since) {
        since = t.idleSince;
        oldest = socket;
      }
    }
    if (oldest === undefined) return false;
    open.delete(oldest);
    oldest.destroy();
    evicted++;
    return true;
  };

  server.on('connection', (socket: Socket) => {
    if (open.size >= limit && !evictOldestIdle()) {
      refused++;
      socket.destroy();
      return;
    }
    open.set(socket, { busy: 0, idleSince: now() });
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req, res) => {
    const t = open.get(req.socket);
    if (t === undefined) return;
    t.busy++;
    res.once('close', () => {
      t.busy = Math.max(0, t.busy - 1);
      t.idleSince = now();
    });
  });
  return () => ({ open: open.size, evicted, refused });
}
