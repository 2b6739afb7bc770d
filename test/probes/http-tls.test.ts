/**
 * Nezha's certificate data from a real HTTPS listener. The certificate is made per run with
 * the `openssl` binary (Node cannot issue X.509 certificates); without openssl the suite is
 * skipped and says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpProber, type HttpProber } from '../../src/probes/http-probe.js';
import { certificateSummary, goUtcTime } from '../../src/probes/http-rules.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('http-tls.test.ts: skipped, the openssl binary is not installed (needed to make a test certificate)');
    return false;
  }
}

describe('certificate summary (pure)', () => {
  it('is "<issuer CN>|<notAfter>" in Go\'s UTC Time.String() layout, as the Nezha dashboard parses it', () => {
    expect(certificateSummary({ issuer: { CN: 'R3' }, valid_to: 'Oct  6 12:00:00 2026 GMT' })).toBe('R3|2026-10-06 12:00:00 +0000 UTC');
    expect(certificateSummary({ issuer: { CN: ['First', 'Second'] }, valid_to: 'Jan 31 23:59:59 2030 GMT' })).toBe('First|2030-01-31 23:59:59 +0000 UTC');
    expect(certificateSummary({ issuer: {}, valid_to: 'Feb  1 00:00:05 2027 GMT' })).toBe('|2027-02-01 00:00:05 +0000 UTC');
    expect(certificateSummary({ issuer: { CN: 'R3' }, valid_to: 'garbage' })).toBeUndefined();
    expect(goUtcTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02 03:04:05 +0000 UTC');
  });
});

describe.runIf(hasOpenssl())('HTTPS probe for Nezha', () => {
  let server: Server;
  let pem: string;
  let url: string;
  let prober: HttpProber;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tikprobe-https-'));
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30', '-subj', '/CN=Probe Test CA', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    pem = readFileSync(cert, 'utf8');
    const keyPem = readFileSync(key, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    server = createServer({ key: keyPem, cert: pem }, (req, res) => {
      if (req.url === '/moved') return void res.writeHead(301, { location: '/' }).end();
      res.end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    prober = createHttpProber({ ca: pem });
  });

  afterAll(async () => {
    await prober?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('carries the leaf certificate\'s issuer CN and expiry, also after a redirect', async () => {
    const expected = `Probe Test CA|${goUtcTime(new Date(new X509Certificate(pem).validTo))}`;
    expect(expected).toMatch(/^Probe Test CA\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
    const signal = new AbortController().signal;
    expect(await prober.measure(url, { timeoutMs: 3000, signal }, 'nezha')).toMatchObject({ ok: true, certificate: expected });
    expect(await prober.measure(`${url}/moved`, { timeoutMs: 3000, signal }, 'nezha')).toMatchObject({ ok: true, certificate: expected });
  });

  it('an untrusted certificate is a failure', async () => {
    const strict = createHttpProber();
    try {
      expect(await strict.measure(url, { timeoutMs: 3000, signal: new AbortController().signal }, 'nezha')).toMatchObject({ ok: false });
    } finally {
      await strict.close();
    }
  });
});
