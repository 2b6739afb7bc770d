/**
 * A self-signed certificate for the simulated routers' HTTPS, made with node's crypto
 * alone (an EC P-256 key and an X.509 v3 certificate encoded by hand), so `--tls` works on
 * hosts and images without the openssl binary. Like a router's own certificate, it names
 * an IP address rather than a host name; the bridge pins its SHA-256 fingerprint.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { bitString, explicit, implicit, integer, octetString, oid, sequence, set, smallInteger, utcTime, utf8String } from './der.js';

export interface SelfSigned {
  keyPem: string;
  certPem: string;
  /** SHA-256 of the certificate, `AB:CD:…` as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';
const BASIC_CONSTRAINTS = '2.5.29.19';
const DAY_MS = 86_400_000;

export function makeSelfSigned(commonName: string, nowMs: number = Date.now()): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8String(commonName))));
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const extensions = explicit(
    3,
    sequence(
      sequence(oid(BASIC_CONSTRAINTS), octetString(sequence())),
      sequence(oid(SUBJECT_ALT_NAME), octetString(sequence(implicit(7, Buffer.from([127, 0, 1, 1]))))),
    ),
  );
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    integer(serial),
    algorithm,
    name,
    sequence(utcTime(new Date(nowMs - DAY_MS)), utcTime(new Date(nowMs + 3650 * DAY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END CERTIFICATE-----\n`;
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem,
    fingerprint256: new X509Certificate(certPem).fingerprint256,
  };
}
