/**
 * TLS modes against a real HTTPS listener. The certificates are generated per run with the
 * `openssl` binary into a temporary directory (Node cannot issue X.509 certificates), so no
 * private key is committed; without openssl the suite is skipped.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { TlsContexts } from '../../src/routeros/tls-contexts.js';
import { createRouterClient } from '../../src/routeros/client.js';
import type { RouterRest } from '../../src/routeros/rest.js';
import type { RouterTlsOptions } from '../../src/routeros/tls.js';
import { createRouterFake } from '../fakes/routeros.js';
import { type MswServer, serveMsw } from '../fakes/serve-msw.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Cert {
  key: string;
  cert: string;
  fingerprint: string;
}

function selfSigned(dir: string, name: string, san: string): Cert {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  const pem = readFileSync(cert, 'utf8');
  return { key: readFileSync(key, 'utf8'), cert: pem, fingerprint: new X509Certificate(pem).fingerprint256 };
}

// Every mode twice: with a secure context per connection, and with the fleet's shared contexts.
describe.skipIf(!hasOpenssl()).each([
  ['per-connection contexts', false],
  ['shared TlsContexts', true],
])('router TLS modes (%s)', (_label, shared) => {
  const contexts = shared ? new TlsContexts() : undefined;
  let dir: string;
  let good: Cert;
  let otherName: Cert;
  let server: MswServer;
  let misnamed: MswServer;
  const clients: RouterRest[] = [];

  const client = (url: string, tls: RouterTlsOptions) => {
    const c = createRouterClient({ name: 'edge1', url, username: 'tikprobe', password: 's3cret-pass', tls, timeoutMs: 5_000, tlsContexts: contexts });
    clients.push(c);
    return c;
  };

  const tlsError = async (p: Promise<unknown>): Promise<RouterError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RouterError);
    expect((err as RouterError).code).toBe('ROUTER_TLS');
    return err as RouterError;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tikprobe-tls-'));
    good = selfSigned(dir, 'router', 'IP:127.0.0.1');
    otherName = selfSigned(dir, 'elsewhere', 'DNS:router.example');
    server = await serveMsw(createRouterFake().handlers, { tls: { key: good.key, cert: good.cert } });
    misnamed = await serveMsw(createRouterFake().handlers, { tls: { key: otherName.key, cert: otherName.cert } });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await server.close();
    await misnamed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verify (the default) rejects a self-signed certificate', async () => {
    const err = await tlsError(client(server.url, { verify: true }).get('system/identity'));
    expect(err.message).toMatch(/^edge1: GET \/rest\/system\/identity: TLS failed/);
    expect(err.message).toMatch(/tls\.ca|tls\.fingerprint/);
    // It names the fingerprint to pin, exactly as the pin takes it.
    expect(err.message).toContain(`tls.fingerprint: "${good.fingerprint}"`);
  });

  it('caPem trusts that certificate (chain and host name verified)', async () => {
    await expect(client(server.url, { verify: true, caPem: good.cert }).get('system/identity')).resolves.toEqual({ name: 'MikroTik' });
  });

  it('caPem with a certificate for another name fails and says to pin or reissue', async () => {
    const err = await tlsError(client(misnamed.url, { verify: true, caPem: otherName.cert }).get('system/identity'));
    expect(err.message).toMatch(/fingerprint/);
    expect(err.message).toMatch(/reissue the certificate with the address as a subjectAltName/);
  });

  it('caPem of another certificate rejects', async () => {
    await tlsError(client(server.url, { verify: true, caPem: otherName.cert }).get('system/identity'));
  });

  it('a matching fingerprint is accepted, with or without colons, any case', async () => {
    await expect(client(server.url, { verify: true, fingerprint: good.fingerprint }).get('system/identity')).resolves.toEqual({
      name: 'MikroTik',
    });
    const bare = good.fingerprint.replace(/:/g, '').toLowerCase();
    await expect(client(server.url, { verify: true, fingerprint: bare }).get('system/identity')).resolves.toEqual({ name: 'MikroTik' });
  });

  it('a pinned fingerprint holds on every new connection of the pool (no empty cert from a resumed session)', async () => {
    const c = client(server.url, { verify: true, fingerprint: good.fingerprint });
    await c.get('system/identity');
    for (let round = 0; round < 3; round++) {
      await expect(Promise.all([c.get('system/identity'), c.get('system/identity')])).resolves.toHaveLength(2);
    }
  });

  it('a pinned fingerprint skips the host-name check', async () => {
    await expect(client(misnamed.url, { verify: true, fingerprint: otherName.fingerprint }).get('system/identity')).resolves.toEqual({
      name: 'MikroTik',
    });
  });

  it('a wrong fingerprint rejects before any credentials are sent, naming both fingerprints', async () => {
    const before = server.requests.length;
    const c = client(server.url, { verify: true, fingerprint: otherName.fingerprint });
    const err = await tlsError(c.get('system/identity'));
    expect(server.requests.length).toBe(before);
    expect(err.message).toContain(good.fingerprint);
    expect(err.message).toContain(otherName.fingerprint);
    expect(c.stats().bytes).toBe(0);
  });

  it('verify: false accepts any certificate', async () => {
    await expect(client(server.url, { verify: false }).get('system/identity')).resolves.toEqual({ name: 'MikroTik' });
  });
});
