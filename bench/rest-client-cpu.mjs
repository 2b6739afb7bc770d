/**
 * CPU cost of one REST request through the router client (undici dispatch on its keep-alive
 * Client, Basic auth, JSON parse), in µs of client-process CPU per request.
 *   npm run build && node bench/rest-client-cpu.mjs [--requests 5000] [--json] [--connect]
 * --json prints the rows as one JSON line (the fleet benchmark's floor per request).
 * --connect adds a row for a router's first contact: a new pinned TLS connection, one request
 * and its close (a fleet's start-up pays it once per router), over requests / 10 connections.
 * The responder runs in a child process (this file with --serve) so the figure is the
 * client's alone. It is strict where it matters for the cost: Basic auth is checked on every
 * request, replies are real RouterOS bodies from test/fixtures/routeros, keep-alive as a
 * router does. HTTPS uses a throw-away self-signed certificate (the simulator's, made
 * with node's crypto alone) pinned by fingerprint, the production setup.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/processes.mjs';

const USER = 'bench';
const PASSWORD = 'bench-password';

const { values } = parseArgs({
  options: {
    serve: { type: 'string' },
    requests: { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
    connect: { type: 'boolean', default: false },
  },
});

if (values.serve !== undefined) await serve(JSON.parse(values.serve));
else await main(Number(values.requests));

/** Child: answers like a router until stdin closes. */
async function serve({ tls }) {
  const fixture = (name) => readFileSync(join(ROOT, 'test', 'fixtures', 'routeros', name));
  const resource = fixture('system_resource__hAP-ax2_arm64_7.20.5__miklink.json');
  // What `GET interface?.proplist=.id,name,rx-byte,tx-byte` returns on the hAP ac² sample.
  const interfaces = Buffer.from(
    JSON.stringify(
      JSON.parse(fixture('interface__hAP-ac2_7.16__telegraf.json').toString())
        .filter((i) => i.name)
        .map((i) => ({ '.id': i['.id'], name: i.name, 'rx-byte': i['rx-byte'], 'tx-byte': i['tx-byte'] })),
    ),
  );
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const listener = (req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="rest"', 'content-type': 'application/json' });
      res.end('{"error":401,"message":"Unauthorized"}');
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    const body = path === '/rest/system/resource' ? resource : path === '/rest/interface' ? interfaces : undefined;
    if (!body) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"detail":"no such command or directory (x)","error":400,"message":"Bad Request"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  const server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener);
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`READY ${server.address().port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

async function startResponder(tls) {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--serve', JSON.stringify({ tls })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(Number(line.slice(6)));
    });
    child.once('exit', (code) => reject(new Error(`responder exited with ${code}`)));
  });
  return { port, stop: () => child.stdin.end() };
}

async function measure(createRouterClient, { label, url, tls, path, proplist, requests }) {
  const rest = createRouterClient({ name: 'bench', url, username: USER, password: PASSWORD, tls, timeoutMs: 10_000 });
  const options = proplist ? { proplist } : {};
  for (let i = 0; i < 500; i++) await rest.get(path, options); // warm-up: JIT, connection, TLS session
  const before = rest.stats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) await rest.get(path, options);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = rest.stats();
  await rest.close();
  const n = after.requests - before.requests;
  return row(label, n, cpu, wallMs, Math.round((after.bytes - before.bytes) / n));
}

/** One printed row: CPU and wall time per unit (a request, or a connection) over `n` of them. */
function row(label, n, cpu, wallMs, replyBytes) {
  return {
    label,
    requests: n,
    cpuUsPerRequest: Math.round((cpu.user + cpu.system) / n),
    userUs: Math.round(cpu.user / n),
    systemUs: Math.round(cpu.system / n),
    replyBytes,
    wallUsPerRequest: Math.round((wallMs * 1000) / n),
  };
}

/**
 * A router's first contact, as at a fleet's start: a new client (its pinned TLS handshake and
 * the pin's check) and one request, then its close; µs of CPU per connection.
 */
async function measureConnect(createRouterClient, contexts, { label, url, tls, path, connections }) {
  const once = async () => {
    const rest = createRouterClient({ name: 'bench', url, username: USER, password: PASSWORD, tls, tlsContexts: contexts, timeoutMs: 10_000 });
    await rest.get(path);
    await rest.close();
  };
  for (let i = 0; i < 100; i++) await once(); // warm-up: JIT
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < connections; i++) await once();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return row(label, connections, cpu, wallMs, undefined);
}

async function main(requests) {
  const built = join(ROOT, 'dist', 'routeros', 'client.js');
  if (!existsSync(built)) {
    console.error('dist/ is missing: run "npm run build" first.');
    process.exit(1);
  }
  const { createRouterClient } = await import(built);
  const { TlsContexts } = await import(join(ROOT, 'dist', 'routeros', 'tls-contexts.js'));
  const { makeSelfSigned } = await import('@tikprobe/sim/self-signed.js');
  const rows = [];
  const plain = await startResponder(undefined);
  try {
    const url = `http://127.0.0.1:${plain.port}`;
    const tls = { verify: true };
    rows.push(await measure(createRouterClient, { label: 'http  system/resource', url, tls, path: 'system/resource', requests }));
    rows.push(
      await measure(createRouterClient, {
        label: 'http  interface .proplist',
        url,
        tls,
        path: 'interface',
        proplist: ['.id', 'name', 'rx-byte', 'tx-byte'],
        requests,
      }),
    );
  } finally {
    plain.stop();
  }
  const cert = makeSelfSigned('bench');
  const secure = await startResponder({ key: cert.keyPem, cert: cert.certPem });
  try {
    const url = `https://127.0.0.1:${secure.port}`;
    const tls = { verify: true, fingerprint: cert.fingerprint256 };
    rows.push(await measure(createRouterClient, { label: 'https system/resource (pinned)', url, tls, path: 'system/resource', requests }));
    if (values.connect) {
      const connections = Math.max(100, Math.round(requests / 10));
      rows.push(await measureConnect(createRouterClient, new TlsContexts(), { label: 'https new connection + 1 request', url, tls, path: 'system/resource', connections }));
    }
  } finally {
    secure.stop();
  }
  if (values.json) {
    console.log(JSON.stringify(rows));
    return;
  }
  console.log(`Node ${process.version}, ${requests} sequential requests per row after 500 warm-up, on the keep-alive Client (one connection)`);
  console.log('case                             CPU µs/req  (user/sys)  reply bytes  wall µs/req   (the "new connection" row: per connection)');
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(32)} ${String(r.cpuUsPerRequest).padStart(10)}  ${`${r.userUs}/${r.systemUs}`.padStart(10)}  ${String(r.replyBytes ?? '-').padStart(11)}  ${String(r.wallUsPerRequest).padStart(11)}`,
    );
  }
}
