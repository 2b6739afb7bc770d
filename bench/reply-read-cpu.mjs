/**
 * CPU per request of the two ways to read a reply whole: undici's `request()` then
 * `body.text()`, and tikprobe's `exchangeText` (src/http/text-exchange.ts: `dispatch` with a
 * handler that gathers the chunks, no stream). 8 requests in flight on one Pool of 8 plain
 * keep-alive connections to a local server in a child process (on CPU 0 when `taskset`
 * exists), alternating blocks of 8 000 requests of each, 6 pairs; µs of this process's CPU.
 *   npm run build && taskset -c 1 node bench/reply-read-cpu.mjs
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { ROOT } from './lib/processes.mjs';

const SELF = fileURLToPath(import.meta.url);
const BLOCK = 8000;
const IN_FLIGHT = 8;

if (process.argv[2] === 'serve') {
  // A /system/resource-sized JSON reply, as a router answers it.
  const body = JSON.stringify({ 'cpu-load': '3', 'free-memory': '1000000', uptime: '1w2d3h', version: '7.16 (stable)', 'board-name': 'CHR', padding: 'y'.repeat(300) });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
} else {
  const { exchangeText } = await import(join(ROOT, 'dist', 'http', 'text-exchange.js'));
  const { RequestCancel } = await import(join(ROOT, 'dist', 'time', 'request-deadline.js'));
  const child = spawn('taskset', ['-c', '0', process.execPath, SELF, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d)))));
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: IN_FLIGHT, pipelining: 1 });
  const headers = { accept: 'application/json' };
  const viaRequest = async () => (await (await pool.request({ path: '/r', method: 'GET', headers, signal: new RequestCancel() })).body.text()).length;
  const viaExchange = async () => (await exchangeText(pool, { path: '/r', method: 'GET', headers, cancel: new RequestCancel() })).text.length;
  const block = async (fn, n) => {
    const before = process.cpuUsage();
    let started = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (started++ < n) await fn(); }));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  };
  await block(viaRequest, BLOCK / 2);
  await block(viaExchange, BLOCK / 2);
  const a = [];
  const b = [];
  for (let pair = 0; pair < 6; pair++) {
    a.push((await block(viaRequest, BLOCK)).toFixed(1));
    b.push((await block(viaExchange, BLOCK)).toFixed(1));
  }
  console.log(`request() + body.text()  µs/request: ${a.join(' ')}`);
  console.log(`exchangeText             µs/request: ${b.join(' ')}`);
  await pool.close();
  child.kill();
}
