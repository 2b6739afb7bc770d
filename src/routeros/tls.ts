/**
 * How the connection to one router is secured. Three modes:
 * - default / `caPem`: chain and host name verified (against the system CAs or that PEM);
 * - `fingerprint`: the leaf certificate's SHA-256 must match; no chain or host-name check,
 *   because router certificates are usually self-signed for an arbitrary CN;
 * - `verify: false`: anything is accepted (the caller warns about it).
 */
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import type { TlsContexts } from './tls-contexts.js';

export interface RouterTlsOptions {
  verify: boolean;
  /** SHA-256 of the leaf certificate, hex, colons optional, any case. */
  fingerprint?: string | undefined;
  /** PEM of a CA or of the self-signed router certificate to trust. */
  caPem?: string | undefined;
}

/** `AB:cd:…` or `abcd…` → `abcd…`. */
export function normaliseFingerprint(text: string): string {
  return text.replace(/:/g, '').toLowerCase();
}

/** `abcd…` → `AB:CD:…`, the form `openssl x509 -fingerprint -sha256` and RouterOS print. */
function formatFingerprint(hex: string): string {
  return (normaliseFingerprint(hex).match(/../g) ?? []).join(':').toUpperCase();
}

/** Raised by the connector when the pinned fingerprint does not match. */
export class FingerprintMismatchError extends Error {
  readonly code = 'FINGERPRINT_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      actual === ''
        ? `the router presented no certificate to check against the pinned ${formatFingerprint(expected)}`
        : `certificate fingerprint ${formatFingerprint(actual)} does not match the pinned ${formatFingerprint(expected)}`,
    );
    this.name = 'FingerprintMismatchError';
  }
}

type Connect = buildConnector.connector;

/** The `connect` option for the router's undici Pool. */
export function buildTlsConnect(tls: RouterTlsOptions, timeoutMs: number, contexts?: TlsContexts): Connect {
  const base = { timeout: timeoutMs, keepAlive: true };
  // A shared context carries the trusted roots (the system's, or the configured CA).
  const roots = (caPem: string | undefined) =>
    contexts ? { secureContext: contexts.get(caPem) } : caPem === undefined ? {} : { ca: caPem };
  if (tls.fingerprint !== undefined) return pinnedConnector(normaliseFingerprint(tls.fingerprint), { ...base, ...roots(undefined) });
  if (!tls.verify) return buildConnector({ ...base, ...roots(undefined), rejectUnauthorized: false });
  return verifiedConnector({ ...base, ...roots(tls.caPem) });
}

/**
 * A certificate the chain or host-name check refused, with its SHA-256 fingerprint, so the
 * message can say exactly what to pin (after the user checked it on the router).
 */
export class CertificateRejectedError extends Error {
  constructor(
    readonly code: string,
    readonly fingerprint256: string,
  ) {
    super(`certificate rejected (${code})`);
    this.name = 'CertificateRejectedError';
  }
}

/**
 * A connector that checks each new TLS connection with `check` before undici writes anything
 * on it: an Error refuses the connection (the socket is destroyed), undefined accepts it.
 */
function checkedConnector(options: buildConnector.BuildOptions, check: (socket: TLSSocket) => Error | undefined): Connect {
  const inner = buildConnector(options);
  return (connectOptions, callback) => {
    inner(connectOptions, (err, socket) => {
      if (err !== null) {
        callback(err, null);
        return;
      }
      const refused = connectOptions.protocol === 'https:' ? check(socket as TLSSocket) : undefined;
      if (refused === undefined) {
        callback(null, socket);
        return;
      }
      socket.destroy();
      callback(refused, null);
    });
  };
}

function verifiedConnector(base: buildConnector.BuildOptions): Connect {
  // The same checks as rejectUnauthorized: true (Node sets `authorized` from the chain and the
  // host name), made here so a refused certificate's fingerprint can be named in the error.
  return checkedConnector({ ...base, rejectUnauthorized: false }, (socket) =>
    socket.authorized
      ? undefined
      : new CertificateRejectedError(String(socket.authorizationError ?? 'CERT_REJECTED'), socket.getPeerCertificate()?.fingerprint256 ?? ''),
  );
}

function pinnedConnector(expected: string, base: buildConnector.BuildOptions): Connect {
  // Chain checks are off on purpose: the pin replaces them, and it is checked on every
  // connection before any request is written. No session cache: a resumed session presents
  // no certificate, so there would be nothing to check. Keep-alive makes full handshakes rare.
  return checkedConnector({ ...base, rejectUnauthorized: false, maxCachedSessions: 0 }, (socket) => {
    const actual = leafFingerprint(socket);
    return actual === '' || actual !== expected ? new FingerprintMismatchError(expected, actual) : undefined;
  });
}

/**
 * SHA-256 of the leaf certificate's DER, lower-case hex ('' when there is none): the same
 * value as `getPeerCertificate().fingerprint256`, without the object that call builds (every
 * field of the certificate, three digests): 92 → 0 µs of a connection's ~0.7 ms of CPU
 * (bench/README.md, "The floor of a large fleet's start-up").
 */
export function leafFingerprint(socket: Pick<TLSSocket, 'getPeerX509Certificate'>): string {
  const cert = socket.getPeerX509Certificate();
  return cert === undefined ? '' : createHash('sha256').update(cert.raw).digest('hex');
}
