/**
 * Files named by the configuration: `passwordFile`, `komari.tokenFile`, `tls.ca`. Their
 * contents are secrets or certificates and never appear in a message; only the path does.
 */
import { isAbsolute, resolve } from 'node:path';
import { MAX_CERTIFICATE_BYTES, MAX_SECRET_BYTES, RefusedFile, sizeText } from './bounded-read.js';

/** Reads a file as UTF-8; `maxBytes` is the cap the real reader enforces (fakes may ignore it). */
export type ReadFile = (path: string, maxBytes: number) => Promise<string>;

export type FileRead = { ok: true; text: string } | { ok: false; message: string };

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent is not a directory',
};

/** Why reading failed, from the error code only (messages can carry more than we want shown). */
export function readFailureReason(err: unknown): string {
  if (err instanceof RefusedFile)
    return err.code === 'ENOTREG'
      ? 'not a regular file (a FIFO, device or directory is never read)'
      : `larger than ${sizeText(err.maxBytes)}`;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return REASONS[code] ?? code;
  return 'unreadable';
}

/** Reads each path once per load; relative paths resolve against the configuration's directory. */
export class ConfigFiles {
  private readonly cache = new Map<string, Promise<FileRead>>();

  constructor(
    private readonly readFile: ReadFile,
    private readonly baseDir: string,
  ) {}

  read(written: string, maxBytes: number): Promise<FileRead> {
    const full = isAbsolute(written) ? written : resolve(this.baseDir, written);
    let pending = this.cache.get(full);
    if (!pending) {
      const shown = full === written ? `"${written}"` : `"${written}" (${full})`;
      pending = this.readFile(full, maxBytes).then(
        (text): FileRead => ({ ok: true, text }),
        (err: unknown): FileRead => ({ ok: false, message: `cannot read ${shown}: ${readFailureReason(err)}` }),
      );
      this.cache.set(full, pending);
    }
    return pending;
  }

  /** A secret file: trailing line breaks trimmed (editors add one), empty is a problem. */
  async readSecret(written: string): Promise<FileRead> {
    const got = await this.read(written, MAX_SECRET_BYTES);
    if (!got.ok) return got;
    const text = trimTrailingNewlines(got.text);
    return text === '' ? { ok: false, message: `"${written}" is empty` } : { ok: true, text };
  }

  /** A PEM certificate file (a CA or the router's self-signed certificate). */
  async readCertificate(written: string): Promise<FileRead> {
    const got = await this.read(written, MAX_CERTIFICATE_BYTES);
    if (!got.ok) return got;
    return looksLikePemCertificate(got.text)
      ? got
      : { ok: false, message: `"${written}" is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)` };
  }
}

export function trimTrailingNewlines(text: string): string {
  return text.replace(/[\r\n]+$/, '');
}

export function looksLikePemCertificate(text: string): boolean {
  return text.includes('-----BEGIN CERTIFICATE-----');
}

/** "ab:cd…" or "ABCD…" → "AB:CD:…", the form `openssl x509 -fingerprint -sha256` prints. */
export function normaliseFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/:/g, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? hex;
}
