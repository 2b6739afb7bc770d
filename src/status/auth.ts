/**
 * The Bearer-token check of the status server. The comparison takes the same time whatever
 * the guess: both sides are hashed to equal length first, then compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** A checker for `Authorization` header values; with no token configured every request passes. */
export function bearerCheck(token: string | undefined): (authorization: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (authorization) => {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    // Hash even a missing header, so absence and a wrong token cost the same.
    const presented = digest(m?.[1] ?? '');
    return timingSafeEqual(presented, expected) && m !== null;
  };
}
