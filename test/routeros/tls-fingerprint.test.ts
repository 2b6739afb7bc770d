/**
 * The pin's fingerprint of a presented certificate: the SHA-256 of its DER, the value
 * `openssl x509 -fingerprint -sha256` and RouterOS print (colons and case aside).
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeSelfSigned } from '../../packages/sim/src/self-signed.js';
import { leafFingerprint, normaliseFingerprint } from '../../src/routeros/tls.js';

describe('leafFingerprint', () => {
  it('is the certificate’s SHA-256 fingerprint, normalised the way a pin is', () => {
    for (const name of ['router-a', 'router-b', 'router-c']) {
      const made = makeSelfSigned(name);
      const cert = new X509Certificate(made.certPem);
      const got = leafFingerprint({ getPeerX509Certificate: () => cert });
      expect(got).toBe(normaliseFingerprint(made.fingerprint256));
      expect(got).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('two certificates give two fingerprints', () => {
    const [a, b] = [makeSelfSigned('same-name'), makeSelfSigned('same-name')].map((m) => new X509Certificate(m.certPem));
    expect(leafFingerprint({ getPeerX509Certificate: () => a })).not.toBe(leafFingerprint({ getPeerX509Certificate: () => b }));
  });

  it('is empty when the peer presented no certificate (never a match for a pin)', () => {
    expect(leafFingerprint({ getPeerX509Certificate: () => undefined })).toBe('');
  });
});
